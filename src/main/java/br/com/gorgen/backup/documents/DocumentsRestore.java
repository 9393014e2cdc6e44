package br.com.gorgen.backup.documents;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.crypto.PgpDecryptor;
import br.com.gorgen.backup.restore.ArtifactLocator;
import br.com.gorgen.backup.restore.PrivateKeySource;
import br.com.gorgen.backup.restore.RestoreFailedException;
import br.com.gorgen.backup.restore.RestoreHeaders;
import br.com.gorgen.backup.restore.RestoreRefusedException;
import br.com.gorgen.backup.restore.RestoreValidator;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.support.SafeNames;
import br.com.gorgen.backup.support.Sha256;
import br.com.gorgen.backup.support.WorkFolders;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Restores a documents snapshot into a bucket and prefix: the snapshot is taken from an intact copy and decrypted;
 * each document's content comes from an intact copy (primary, else secondary: a copy that does not decrypt to its
 * SHA-256 is reported and the other one used), is written to the target, read back and checked against its SHA-256.
 * Over the production prefix, objects the snapshot does not list are deleted only when asked (and never excluded
 * ones), so documents newer than the snapshot survive by default.
 */
public class DocumentsRestore {
    private static final Logger LOG = LoggerFactory.getLogger(DocumentsRestore.class);
    /** Exchange property: where to restore ({@link Target}). */
    public static final String PROP_TARGET = "DocumentsRestoreTarget";
    static final String PROP_RUN = "DocumentsRestoreRun";

    /** Where a snapshot is restored, and how. {@code onlyKey}: one document. */
    public record Target(String bucket, String prefix, boolean production, boolean deleteOthers, String onlyKey) {
        public String describe() {
            return bucket + "/" + prefix;
        }
    }

    /** One object of a snapshot, and the stored object (a content or a pack) that holds its content. */
    public record SnapshotLine(String key, long size, String sha256, String object) {
    }

    /** One stored object and the documents of the snapshot whose content it holds: the unit restored in parallel. */
    public record StoredObject(String key, List<SnapshotLine> documents) {
    }

    static final class Run {
        final AtomicLong objects = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final ConcurrentLinkedQueue<String> badCopies = new ConcurrentLinkedQueue<>();
        Set<String> keys;
        Path work;
    }

    private final BackupHistory history;
    private final ArtifactLocator locator;
    private final PrivateKeySource keys;
    private final BackupBuckets buckets;
    private final BackupKeyLayout layout;
    private final S3Client target;
    private final ExclusionRules exclusions;
    private final Path workRoot;

    public DocumentsRestore(BackupHistory history, ArtifactLocator locator, PrivateKeySource keys, BackupBuckets buckets,
            BackupKeyLayout layout, S3Client target, ExclusionRules exclusions, Path workRoot) {
        this.history = history;
        this.locator = locator;
        this.keys = keys;
        this.buckets = buckets;
        this.layout = layout;
        this.target = target;
        this.exclusions = exclusions;
        this.workRoot = workRoot;
    }

    public boolean available() {
        return target != null;
    }

    /** Takes an intact copy of the snapshot and decrypts it; the body becomes the documents to restore. */
    public void prepare(Exchange exchange) throws Exception {
        long backupId = exchange.getIn().getHeader(RestoreHeaders.BACKUP_ID, Long.class);
        Target t = exchange.getProperty(PROP_TARGET, Target.class);
        BackupRecord backup = history.findById(backupId)
                .orElseThrow(() -> new RestoreRefusedException("backup " + backupId + " does not exist"));
        List<String> problems = new ArrayList<>();
        Run run = new Run();
        Files.createDirectories(workRoot);
        run.work = Files.createTempDirectory(workRoot, "restore-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        exchange.setProperty(PROP_RUN, run);
        List<SnapshotLine> lines = new ArrayList<>();
        // one read of the snapshot, verified while it streams (ArtifactLocator.readIntact); every name it gives is
        // checked before it is used as a key or a file name
        String contentRoot = layout.tenantRoot() + "documents/";
        ArtifactLocator.Source source = locator.readIntact(locator.candidates(backup, problems), keys.decryptor(), problems,
                (copy, plain) -> {
                    BufferedReader reader = new BufferedReader(new InputStreamReader(plain, StandardCharsets.UTF_8));
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        JsonNode n = Json.mapper().readTree(line);
                        String key = n.path("key").asText(null);
                        String sha = n.path("sha256").asText(null);
                        String object = n.hasNonNull("object") ? n.get("object").asText()
                                : SafeNames.isSha256(sha) ? layout.documentContent(sha) : null;
                        if (!SafeNames.isSha256(sha) || !SafeNames.isKeyUnder(object, contentRoot)
                                || !(object.startsWith(contentRoot + "content/") || object.startsWith(contentRoot + "packs/"))
                                || !documentKey(key)) {
                            throw new RestoreFailedException("the snapshot of backup " + backupId + " names a document, "
                                    + "content or stored object that is not one this service writes (" + line.substring(0,
                                            Math.min(200, line.length())) + "): nothing was restored");
                        }
                        if (t.onlyKey() == null || t.onlyKey().equals(key)) {
                            lines.add(new SnapshotLine(key, n.path("size").asLong(), sha, object));
                        }
                    }
                    return copy;
                }, copy -> lines.clear()).result();
        run.badCopies.addAll(problems);
        exchange.setProperty(RestoreHeaders.PROP_SOURCE, source);
        exchange.setProperty(RestoreHeaders.PROP_MANIFEST, source.manifest());
        if (t.onlyKey() != null && lines.isEmpty()) {
            throw new RestoreRefusedException("document '" + t.onlyKey() + "' is not in the snapshot of backup " + backupId);
        }
        run.keys = new HashSet<>();
        lines.forEach(l -> run.keys.add(l.key()));
        Map<String, List<SnapshotLine>> byObject = new LinkedHashMap<>();
        lines.forEach(l -> byObject.computeIfAbsent(l.object(), k -> new ArrayList<>()).add(l));
        exchange.getIn().setBody(byObject.entrySet().stream().map(e -> new StoredObject(e.getKey(), e.getValue())).toList());
        LOG.info("Restoring {} document(s) of backup {} into {}", lines.size(), backupId, t.describe());
    }

    /**
     * One stored object: its contents taken from an intact copy, then every document they hold written to the
     * target, read back and checked.
     */
    public void restoreObject(Exchange exchange) throws Exception {
        Run run = exchange.getProperty(PROP_RUN, Run.class);
        Target t = exchange.getProperty(PROP_TARGET, Target.class);
        StoredObject object = exchange.getIn().getBody(StoredObject.class);
        Path dir = Files.createTempDirectory(run.work, "object-");
        try {
            fetchIntact(object, dir, run);
            for (SnapshotLine line : object.documents()) {
                String key = t.prefix() + line.key();
                target.putObject(PutObjectRequest.builder().bucket(t.bucket()).key(key).build(),
                        RequestBody.fromFile(dir.resolve(line.sha256())));
                String back;
                try (InputStream in = target.getObject(GetObjectRequest.builder().bucket(t.bucket()).key(key).build())) {
                    back = Sha256.of(in);
                }
                if (!back.equalsIgnoreCase(line.sha256())) {
                    throw new RestoreFailedException("document " + line.key() + " restored to " + t.bucket() + "/" + key
                            + " reads back with another SHA-256");
                }
                run.objects.incrementAndGet();
                run.bytes.addAndGet(line.size());
            }
        } finally {
            WorkFolders.deleteTree(dir);
        }
    }

    /**
     * Writes into {@code dir}, as files named by their SHA-256, the contents the object's documents need, from the
     * first copy (primary, then secondary) that decrypts and gives every one of them with its SHA-256.
     */
    private void fetchIntact(StoredObject object, Path dir, Run run) throws Exception {
        Set<String> needed = new HashSet<>();
        object.documents().forEach(l -> needed.add(l.sha256()));
        PgpDecryptor decryptor = keys.decryptor();
        List<String> problems = new ArrayList<>();
        for (BackupBuckets.Bucket bucket : buckets.both()) {
            String where = "s3://" + bucket.name() + "/" + object.key();
            Set<String> intact = new HashSet<>();
            try (InputStream stored = bucket.client().getObject(GetObjectRequest.builder().bucket(bucket.name())
                    .key(object.key()).build());
                    InputStream plain = new GZIPInputStream(decryptor.decryptingStream(stored), 1 << 16)) {
                if (DocumentPacks.isPack(object.key())) {
                    TarArchiveInputStream tar = new TarArchiveInputStream(plain);
                    for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                        String sha = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                        if (needed.contains(sha) && copyChecked(tar, dir.resolve(sha), sha)) {
                            intact.add(sha);
                        }
                    }
                    plain.transferTo(OutputStream.nullOutputStream()); // to the end: the OpenPGP integrity check
                } else {
                    String sha = needed.iterator().next();
                    if (copyChecked(plain, dir.resolve(sha), sha)) {
                        intact.add(sha);
                    }
                }
            } catch (Exception e) {
                problems.add(where + " cannot be read: " + ErrorMessages.describe(e));
                continue;
            }
            if (intact.containsAll(needed)) {
                run.badCopies.addAll(problems);
                return;
            }
            Set<String> missing = new HashSet<>(needed);
            missing.removeAll(intact);
            problems.add(where + " is corrupt (" + missing.size() + " content(s) missing or with another SHA-256)");
        }
        throw new RestoreFailedException("no intact copy of " + object.key() + " (documents "
                + object.documents().stream().map(SnapshotLine::key).limit(5).toList() + "): " + String.join("; ", problems));
    }

    /** A document key as a snapshot may name it: not empty, at most 1024 characters, no control character. */
    static boolean documentKey(String key) {
        return key != null && !key.isEmpty() && key.length() <= 1024 && key.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    /** Copies {@code in} to {@code file}; true when what was copied has the SHA-256 {@code sha256}. */
    private static boolean copyChecked(InputStream in, Path file, String sha256) throws java.io.IOException {
        MessageDigest digest = Sha256.newDigest();
        try (OutputStream out = Files.newOutputStream(file)) {
            new DigestInputStream(in, digest) {
                @Override
                public void close() {
                    // the caller's stream goes on (a tar's next entry)
                }
            }.transferTo(out);
        }
        return Sha256.hex(digest).equalsIgnoreCase(sha256);
    }

    /**
     * After every document: over production with {@code deleteOthers}, removes what the snapshot does not list
     * (never excluded keys); records the result as the restore's validation; reports bad copies for the alert.
     */
    public void finish(Exchange exchange) {
        Run run = exchange.getProperty(PROP_RUN, Run.class);
        Target t = exchange.getProperty(PROP_TARGET, Target.class);
        long deleted = 0;
        if (t.production() && t.deleteOthers() && t.onlyKey() == null) {
            for (S3Object o : target.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(t.bucket())
                    .prefix(t.prefix()).build()).contents()) {
                String key = o.key().substring(t.prefix().length());
                if (!key.isEmpty() && !key.endsWith("/") && !run.keys.contains(key) && !exclusions.excludes(key)) {
                    target.deleteObject(DeleteObjectRequest.builder().bucket(t.bucket()).key(o.key()).build());
                    deleted++;
                }
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("documents", run.objects.get());
        counts.put("bytes", run.bytes.get());
        counts.put("deletedNotInSnapshot", deleted);
        exchange.setProperty(RestoreHeaders.PROP_VALIDATION, new RestoreValidator.Validation("verified",
                (int) run.objects.get(), run.bytes.get(), List.of(), counts));
        if (run.badCopies.isEmpty()) {
            exchange.getIn().removeHeader(RestoreHeaders.BAD_COPY);
        } else {
            exchange.getIn().setHeader(RestoreHeaders.BAD_COPY, String.join("; ", run.badCopies));
        }
        WorkFolders.deleteTree(run.work);
        LOG.info("Restored {} document(s), {} bytes, into {} ({} deleted, {} bad copies)", run.objects.get(),
                run.bytes.get(), t.describe(), deleted, run.badCopies.size());
    }
}
