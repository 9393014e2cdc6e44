package br.com.gorgen.backup.catalog;

import java.util.List;

/**
 * The manifest stored as {@code manifest.json} beside every backup artifact, written last. It is the truth about a
 * backup: with the manifests alone the catalog can be rebuilt and every restore checked. It never holds secrets.
 */
public record BackupManifest(
        int formatVersion,
        String kind,
        long backupId,
        int tenantId,
        String type,
        String startedAt,
        String completedAt,
        String createdBy,
        Artifact artifact,
        Source source,
        Snapshot snapshot,
        List<TableCount> tables,
        SchemaObjects objects,
        Encryption encryption,
        Tools tools,
        List<String> warnings,
        String restoreHint) {

    public static final int FORMAT_VERSION = 1;

    public record Artifact(String key, String primaryBucket, String secondaryBucket, long sizeBytes, String sha256,
            long plaintextBytes, String plaintextSha256, String format) {
    }

    public record Source(String host, int port, String database, String serverVersion, long serverId,
            String binlogFormat) {
    }

    public record Snapshot(String method, String binlogFile, Long binlogPosition, String gtidPosition) {
    }

    public record TableCount(String name, long rows) {
    }

    public record SchemaObjects(List<String> views, List<String> routines, List<String> triggers, List<String> events) {
    }

    public record Encryption(String format, String cipher, String integrity, String compressionInside,
            List<Recipient> recipients) {
    }

    public record Recipient(String keyId, String fingerprint) {
    }

    public record Tools(String dump, String service, int gzipLevel) {
    }
}
