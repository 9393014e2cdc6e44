package br.com.gorgen.backup.retention;

import java.time.Instant;
import java.util.List;

import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.retention.RetentionEntry.Kind;
import br.com.gorgen.backup.retention.RetentionEntry.Status;

/** History rows as the retention policy sees them (pure mapping). */
public final class RetentionCatalog {
    private RetentionCatalog() {
    }

    /**
     * The moment a backup represents: a database backup's snapshot, a shipped binary log's first event, otherwise
     * the start of the run; its coverage ends at a binary log's last event.
     */
    public static RetentionEntry entry(BackupRecord r) {
        Kind kind = Kind.ofType(r.type());
        BackupRecord.Coverage c = r.coverage() == null ? BackupRecord.Coverage.NONE : r.coverage();
        Instant taken = switch (kind) {
            case FULL, INCREMENTAL -> first(c.snapshotAt(), r.startedAt());
            case TRANSACTIONAL -> first(c.firstEventAt(), r.startedAt());
            case DOCUMENTS_FULL, DOCUMENTS_INCREMENTAL -> r.startedAt();
        };
        Instant until = kind == Kind.TRANSACTIONAL ? first(c.lastEventAt(), first(r.completedAt(), taken)) : taken;
        return new RetentionEntry(r.id(), kind, Status.of(r.status()), taken, until,
                kind == Kind.INCREMENTAL ? c.parentId() : null, c.sourceId(), false, safetyFor(r.createdBy()));
    }

    /** The restore a safety backup was taken for, from its {@code created_by} ({@code safety before restore #12}). */
    static Long safetyFor(String createdBy) {
        String prefix = "safety before restore #";
        if (createdBy == null || !createdBy.startsWith(prefix)) {
            return null;
        }
        try {
            return Long.parseLong(createdBy.substring(prefix.length()).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static List<RetentionEntry> entries(List<BackupRecord> rows) {
        return rows.stream().map(RetentionCatalog::entry).toList();
    }

    private static Instant first(Instant a, Instant b) {
        return a != null ? a : b;
    }
}
