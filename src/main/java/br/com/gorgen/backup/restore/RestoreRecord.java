package br.com.gorgen.backup.restore;

import java.time.Instant;

/** One row of restore_history. */
public record RestoreRecord(long id, long backupId, String kind, String status, String targetDatabase, String sourceBucket,
        Instant startedAt, Instant completedAt, String requestedBy, String validation, String errorMessage,
        Long rtoSeconds, Long rpoSeconds, String pointInTime) {
}
