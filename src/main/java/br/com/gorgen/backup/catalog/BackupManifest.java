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
        String restoreHint,
        Binlog binlog,
        ConfigFiles config) {

    /**
     * The configuration files archived with a full backup: the encrypted tar's key and checksum, and each file's name,
     * size and SHA-256 (never its content).
     */
    public record ConfigFiles(String key, long sizeBytes, String sha256, List<ConfigFile> files) {
    }

    public record ConfigFile(String name, long sizeBytes, String sha256) {
    }

    public static final int FORMAT_VERSION = 1;

    public record Artifact(String key, String primaryBucket, String secondaryBucket, long sizeBytes, String sha256,
            long plaintextBytes, String plaintextSha256, String format) {
    }

    public record Source(String host, int port, String database, String serverVersion, long serverId,
            String binlogFormat) {
    }

    /** {@code observedAt}: when the dump reported its position, an upper bound of the snapshot's time. */
    public record Snapshot(String method, String binlogFile, Long binlogPosition, String gtidPosition, String observedAt) {
    }

    /**
     * Binary logs held by a transactional or incremental backup: replay starts at {@code startFile}/{@code startPosition}
     * (for an incremental, where its parent ends) and the files follow each other without a gap.
     */
    public record Binlog(String sourceId, long serverId, Long parentId, Long baseFullId, String startFile,
            long startPosition, String firstEventAt, String lastEventAt, List<BinlogFile> files) {
    }

    /** One binary-log file as shipped: name, plaintext size and SHA-256, event times, positions, GTID range. */
    public record BinlogFile(String name, long sizeBytes, String sha256, String firstEventAt, String lastEventAt,
            long startPosition, long endPosition, String gtidFirst, String gtidLast, long transactions) {
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
