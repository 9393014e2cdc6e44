package br.com.gorgen.backup.storage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where objects live in the buckets. Everything of this installation is under {@code <prefix>/tenant-<id>/}; each
 * database backup has its own folder holding the artifact and its {@code manifest.json}:
 * {@code gorgen-backup/tenant-1/database/2026/01/05/full-20260105T060000Z-42/gorgen_full_20260105T060000Z.sql.gz.gpg}.
 * Times are UTC so that keys sort and never repeat across daylight-saving changes.
 */
public record BackupKeyLayout(String prefix, int tenantId) {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public String tenantRoot() {
        return prefix + "/tenant-" + tenantId + "/";
    }

    /**
     * The folder that holds this backup's own objects and nothing else (artifact, manifest, configuration archive),
     * when its keys are exactly where this layout puts them: under this tenant's root, at the depth of a backup
     * folder, named with the backup's id (a database or documents backup) or under {@code binlog/<source>/} (a
     * shipped binary log), with both keys inside. Empty otherwise: nothing may then be deleted by folder (another
     * installation's objects, a shared prefix, a hand-edited row). Shared documents contents are never in it.
     */
    public java.util.Optional<String> ownFolder(long backupId, String type, String artifactKey, String manifestKey) {
        String key = manifestKey != null ? manifestKey : artifactKey;
        if (key == null || key.contains("/../") || key.contains("/./") || key.contains("//")) {
            return java.util.Optional.empty();
        }
        String folder = folderOf(key);
        String root = tenantRoot();
        if (!folder.startsWith(root) || (artifactKey != null && !artifactKey.startsWith(folder))
                || (manifestKey != null && !manifestKey.startsWith(folder))) {
            return java.util.Optional.empty();
        }
        String[] parts = folder.substring(root.length()).split("/");
        boolean shaped = "transactional".equals(type)
                ? parts.length == 3 && parts[0].equals("binlog")
                : parts.length == 5 && parts[0].equals(type.startsWith("documents") ? "documents" : "database")
                        && parts[4].startsWith(type + "-") && parts[4].endsWith("-" + backupId);
        return shaped ? java.util.Optional.of(folder) : java.util.Optional.empty();
    }

    public String databaseFolder(String type, Instant startedAt, long backupId) {
        return tenantRoot() + "database/" + DAY.format(startedAt) + "/" + type + "-" + STAMP.format(startedAt) + "-" + backupId + "/";
    }

    /** The artifact of a backup of any type: the dump, the incremental's tar, or a documents backup's snapshot. */
    public String artifact(String type, Instant startedAt, long backupId) {
        return type.startsWith("documents") ? documentsFolder(type, startedAt, backupId) + "snapshot.jsonl.gz.gpg"
                : databaseArtifact(type, startedAt, backupId);
    }

    /** The manifest of a backup of any type. */
    public String manifestOf(String type, Instant startedAt, long backupId) {
        return type.startsWith("documents") ? documentsFolder(type, startedAt, backupId) + "manifest.json"
                : manifest(type, startedAt, backupId);
    }

    public String databaseArtifact(String type, Instant startedAt, long backupId) {
        String extension = "incremental".equals(type) ? ".binlog.tar.gz.gpg" : ".sql.gz.gpg";
        return databaseFolder(type, startedAt, backupId) + "gorgen_" + type + "_" + STAMP.format(startedAt) + extension;
    }

    /**
     * Folder of one shipped binary-log file: keyed by the source server's identity, the file name and the time of its
     * first event, so that neither a failover to another server nor a restart of the numbering can reuse a key, and
     * shipping the same file again (after a crash) lands on the same key.
     */
    public String binlogFolder(String sourceId, String fileName, Instant firstEventAt) {
        return binlogRoot(sourceId) + fileName + "-" + STAMP.format(firstEventAt) + "/";
    }

    public String binlogArtifact(String sourceId, String fileName, Instant firstEventAt) {
        return binlogFolder(sourceId, fileName, firstEventAt) + fileName + ".gz.gpg";
    }

    public String binlogManifest(String sourceId, String fileName, Instant firstEventAt) {
        return binlogFolder(sourceId, fileName, firstEventAt) + "manifest.json";
    }

    public String manifest(String type, Instant startedAt, long backupId) {
        return databaseFolder(type, startedAt, backupId) + "manifest.json";
    }

    /**
     * Folder of one documents backup (its encrypted snapshot and manifest):
     * {@code <prefix>/tenant-<id>/documents/2026/01/05/documents-full-20260105T063000Z-43/}.
     */
    public String documentsFolder(String type, Instant startedAt, long backupId) {
        return tenantRoot() + "documents/" + DAY.format(startedAt) + "/" + type + "-" + STAMP.format(startedAt) + "-"
                + backupId + "/";
    }

    /**
     * A document's content, stored once whatever its key and however many snapshots list it, named by the SHA-256
     * of the plaintext: {@code <prefix>/tenant-<id>/documents/content/ab/ab12…ef.gz.gpg}.
     */
    public String documentContent(String sha256) {
        return tenantRoot() + "documents/content/" + sha256.substring(0, 2) + "/" + sha256 + ".gz.gpg";
    }

    /** A pack of small document contents, named by the SHA-256 of its tar. */
    public String documentPack(String tarSha256) {
        return tenantRoot() + "documents/packs/" + tarSha256.substring(0, 2) + "/" + tarSha256 + ".tar.gz.gpg";
    }

    /** Where the shipped binary logs of one source server live. */
    public String binlogRoot(String sourceId) {
        return tenantRoot() + "binlog/" + sourceId + "/";
    }

    /**
     * The newest binary-log file whose manifest is in the given keys (listed under {@link #binlogRoot}), by the time of
     * its first event then its number; null when there is none. What the bucket knows when the catalog does not.
     */
    public static String newestShippedBinlog(String root, java.util.List<String> keys) {
        String best = null;
        String bestStamp = null;
        long bestSeq = -1;
        for (String key : keys) {
            if (!key.startsWith(root) || !key.endsWith("/manifest.json")) {
                continue;
            }
            String folder = key.substring(root.length(), key.length() - "/manifest.json".length());
            int dash = folder.lastIndexOf('-');
            if (dash <= 0 || folder.contains("/")) {
                continue;
            }
            String file = folder.substring(0, dash);
            String stamp = folder.substring(dash + 1);
            long seq;
            try {
                seq = Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            int cmp = bestStamp == null ? 1 : stamp.compareTo(bestStamp);
            if (cmp > 0 || (cmp == 0 && seq > bestSeq)) {
                best = file;
                bestStamp = stamp;
                bestSeq = seq;
            }
        }
        return best;
    }

    /** The folder of an object key (up to and including the last slash). */
    public static String folderOf(String key) {
        return key.substring(0, key.lastIndexOf('/') + 1);
    }
}
