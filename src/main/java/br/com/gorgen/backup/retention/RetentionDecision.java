package br.com.gorgen.backup.retention;

import java.util.List;

/**
 * The policy's verdict on one backup, with every reason for it (a kept backup lists every rule that keeps it).
 *
 * @param id the backup
 * @param verdict keep, delete, or nothing to do (expired already)
 * @param reasons why, in words an operator reads in the preview (e.g. {@code daily 2026-01-12},
 *     {@code needed by incremental #812})
 */
public record RetentionDecision(long id, Verdict verdict, List<String> reasons) {

    public enum Verdict {
        KEEP, DELETE, GONE
    }

    public RetentionDecision {
        reasons = List.copyOf(reasons);
    }

    public boolean keep() {
        return verdict == Verdict.KEEP;
    }

    public boolean delete() {
        return verdict == Verdict.DELETE;
    }
}
