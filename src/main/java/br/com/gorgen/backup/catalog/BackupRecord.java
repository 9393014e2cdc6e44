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
        Long binlogPosition) {
}
