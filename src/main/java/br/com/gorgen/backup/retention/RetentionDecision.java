package br.com.gorgen.backup.retention;

import java.util.List;

/**
 * The policy's verdict on one backup, with every reason for it (a kept backup lists every rule that keeps it).
 *
 * @param id the backup
 * @param verdict keep, delete, or nothing to do (expired already)
 * @param reasons why, in words an operator reads in the preview (e.g. {@code daily 2026-01-12},
 *     {@code needed by incremental #812})
 * @param protections the reasons that are safety rules (not calendar windows): a backup with any cannot be deleted
 *     by hand either
 * @param keepUntil for a backup a calendar rule keeps for a period that is over (its choice is final), the start of
 *     the day that rule stops keeping it (e.g. {@code yearly 2025} with 7 years: 2032-01-01 in the policy's zone);
 *     null otherwise (the current day, week, month or year can still get a newer backup). What S3 Object Lock
 *     retention dates are extended to.
 */
public record RetentionDecision(long id, Verdict verdict, List<String> reasons, List<String> protections,
        java.time.Instant keepUntil) {

    public enum Verdict {
        KEEP, DELETE, GONE
    }

    public RetentionDecision {
        reasons = List.copyOf(reasons);
        protections = List.copyOf(protections);
    }

    public boolean keep() {
        return verdict == Verdict.KEEP;
    }

    public boolean delete() {
        return verdict == Verdict.DELETE;
    }
}
