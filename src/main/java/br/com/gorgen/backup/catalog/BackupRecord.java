package br.com.gorgen.backup.catalog;

import java.time.Instant;

/** One row of backup_history. */
public record BackupRecord(
        long id,
        int tenantId,
        String type,
        String status,
        Instant startedAt,
        Instant completedAt,
        String filePath,
        Long fileSizeBytes,
        String checksumSha256,
        String errorMessage,
        String createdBy,
        String manifestPath,
        String plaintextSha256,
        Long plaintextSizeBytes,
        String binlogFile,
        Long binlogPosition,
        Coverage coverage) {

    /** Point-in-time facts (V5): see V5__point_in_time.sql for what each means per backup type. */
    public record Coverage(String sourceId, Instant snapshotAt, Instant firstEventAt, Instant lastEventAt,
            String startBinlogFile, Long startBinlogPosition, Long parentId, String notes) {
        public static final Coverage NONE = new Coverage(null, null, null, null, null, null, null, null);
    }
}
