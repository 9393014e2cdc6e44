package br.com.gorgen.backup.retention;

import java.time.Instant;
import java.util.Objects;

/**
 * What the retention policy needs to know of one backup of the catalog (a {@code backup_history} row).
 *
 * @param id the backup's id
 * @param kind what it is
 * @param status its state
 * @param takenAt the moment it represents: the snapshot of a full or incremental backup, the start of a documents
 *     backup, the first event of a shipped binary log (what the calendar windows count)
 * @param coveredUntil for a shipped binary log, its last event; otherwise {@code takenAt}
 * @param parentId the backup it builds on: an incremental's parent (full or incremental); null otherwise
 * @param sourceId the database server it comes from (binary logs and their fulls chain per source); may be null
 * @param offline whether it is an offline copy (kept forever)
 * @param safetyFor the restore whose safety backup this is (the state of production just before that restore
 *     replaced it), or null: such a backup never takes the place of another in a calendar window
 */
public record RetentionEntry(long id, Kind kind, Status status, Instant takenAt, Instant coveredUntil, Long parentId,
        String sourceId, boolean offline, Long safetyFor) {

    public RetentionEntry(long id, Kind kind, Status status, Instant takenAt, Instant coveredUntil, Long parentId,
            String sourceId, boolean offline) {
        this(id, kind, status, takenAt, coveredUntil, parentId, sourceId, offline, null);
    }

    /** Kinds of backup, by what depends on what. */
    public enum Kind {
        /** Self-contained database dump. */
        FULL,
        /** Binary logs since its parent (a full or an incremental): needs the whole chain down to a full. */
        INCREMENTAL,
        /** One shipped binary-log file (continuous backup, point-in-time recovery). */
        TRANSACTIONAL,
        /** Snapshot of the documents bucket, every object read again; contents are shared. */
        DOCUMENTS_FULL,
        /** Snapshot of the documents bucket, unchanged objects taken from the previous one; contents are shared. */
        DOCUMENTS_INCREMENTAL;

        /** The backup types of {@code backup_history}. */
        public static Kind ofType(String type) {
            return switch (type) {
                case "full" -> FULL;
                case "incremental" -> INCREMENTAL;
                case "transactional" -> TRANSACTIONAL;
                case "documents-full" -> DOCUMENTS_FULL;
                case "documents-incremental" -> DOCUMENTS_INCREMENTAL;
                default -> throw new IllegalArgumentException("unknown backup type: " + type);
            };
        }

        boolean database() {
            return this == FULL || this == INCREMENTAL;
        }

        boolean documents() {
            return this == DOCUMENTS_FULL || this == DOCUMENTS_INCREMENTAL;
        }

        boolean selfContained() {
            return this == FULL || this == DOCUMENTS_FULL;
        }
    }

    /** States of a backup, as far as retention cares. */
    public enum Status {
        RUNNING, SUCCESS, FAILED, EXPIRED;

        /** The statuses of {@code backup_history} ({@code validating} is still running, {@code expiring} going). */
        public static Status of(String status) {
            return switch (status) {
                case "running", "validating" -> RUNNING;
                case "success" -> SUCCESS;
                case "failed" -> FAILED;
                // a removal claimed it: its objects are going, nothing is left to decide
                case "expired", "expiring" -> EXPIRED;
                default -> throw new IllegalArgumentException("unknown backup status: " + status);
            };
        }
    }

    public RetentionEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(takenAt, "takenAt");
        if (coveredUntil == null) {
            coveredUntil = takenAt;
        }
    }

    boolean successful() {
        return status == Status.SUCCESS;
    }
}
