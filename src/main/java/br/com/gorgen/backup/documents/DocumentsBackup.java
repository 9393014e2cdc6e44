package br.com.gorgen.backup.documents;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.archive.BackupArchiver;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.ManifestWriter;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.storage.ObjectReader;
import br.com.gorgen.backup.storage.ParallelBucketLister;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.support.Sha256;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backup of the application's documents bucket. Lists the bucket (prefix, exclusions), compares with the newest
 * snapshot's state, reads what is new or changed (everything, for a full backup), and stores each content once,
 * encrypted, in both buckets (verified): small ones gathered into packs ({@link DocumentPacks}), large ones as their
 * own object named by their SHA-256. The snapshot lists every object with its SHA-256,
 * so that any kept snapshot restores the bucket as it was, deletions included; it is stored encrypted as the
 * backup's artifact, with a manifest that holds counts and sizes but no names.
 *
 * <p>Rule for documents that cannot be read: one deleted between the listing and its copy is left out of the snapshot
 * (it no longer exists) and reported as a warning, the backup still {@code success}; any other read error (access
 * denied, a server error that outlives the retries) fails the backup, since a document that cannot be read cannot be
 * restored.
 */
public class DocumentsBackup {
    private static final Logger LOG = LoggerFactory.getLogger(DocumentsBackup.class);
    static final String PROP_RUN = "DocumentsRun";
    static final String PROP_ITEM = "DocumentsItem";
    /** Header: true when the item's content must be stored (it is not in the buckets yet). */
    public static final String STORE_CONTENT = "DocumentsStoreContent";
    static final int INDEX_BATCH = 200;

    /** The state of one run, shared by the parallel item exchanges. */
    static final class Run {
        final Map<String, DocumentsCatalog.Content> contents;
        final ConcurrentHashMap<String, Boolean> claimed = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<DocumentEntry> entries = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();
        /** Stored contents not yet in the catalog's index: written in batches. */
        final ConcurrentLinkedQueue<DocumentsCatalog.Content> unindexed = new ConcurrentLinkedQueue<>();
        final AtomicInteger unindexedCount = new AtomicInteger();
        final ChangePlan plan;
        /** The catalog's state the plan compared with (empty for a full backup, which does not load it). */
        final Map<String, DocumentEntry> previous;
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicLong newContents = new AtomicLong();
        final AtomicLong newContentBytes = new AtomicLong();
        final AtomicLong reusedContents = new AtomicLong();
        final AtomicLong newPacks = new AtomicLong();
        final AtomicLong packedContents = new AtomicLong();
        final int listed;
        final int excluded;
        final DocumentPacks packing;

        Run(Map<String, DocumentsCatalog.Content> contents, ChangePlan plan, Map<String, DocumentEntry> previous,
                int listed, int excluded, DocumentPacks packing) {
            this.contents = new ConcurrentHashMap<>(contents);
            this.plan = plan;
            this.previous = previous;
            this.listed = listed;
            this.excluded = excluded;
            this.packing = packing;
        }
    }

    /** One object being read: what the listing said and, once read, what the archiver wrote. */
    record Item(ListedObject listed, ArchiveResult archive) {
    }

    private final ObjectReader source;
    private final ParallelBucketLister lister;
    private final String bucket;
    private final String prefix;
    private final ExclusionRules exclusions;
    private final DocumentsCatalog catalog;
    private final BackupKeyLayout layout;
    private final BackupArchiver archiver;
    private final ManifestWriter manifests;
    private final int tenantId;
    private final String verify;
    private final Packing packing;
    private final ThreadLocal<byte[]> smallBuffers = new ThreadLocal<>();

    /**
     * Contents smaller than {@code threshold} bytes are gathered into packs of about {@code size} bytes
     * ({@link DocumentPacks}); larger ones are stored one object each.
     */
    public record Packing(long threshold, long size) {
    }

    /** @param verify how stored contents are checked: {@code etag} or {@code readback} ({@link BackupHeaders#STORE_VERIFY}) */
    public DocumentsBackup(ObjectReader source, ParallelBucketLister lister, String bucket, String prefix,
            ExclusionRules exclusions, DocumentsCatalog catalog, BackupKeyLayout layout, BackupArchiver archiver,
            ManifestWriter manifests, int tenantId, String verify, Packing packing) {
        this.source = source;
        this.lister = lister;
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : prefix;
        this.exclusions = exclusions;
        this.catalog = catalog;
        this.layout = layout;
        this.archiver = archiver;
        this.manifests = manifests;
        this.tenantId = tenantId;
        this.verify = verify;
        this.packing = packing;
    }

    public boolean enabled() {
        return source != null && bucket != null && !bucket.isBlank();
    }

    /** Lists the bucket and decides what to read; the body becomes the objects to read, for the split. */
    public void plan(Exchange exchange) throws Exception {
        if (!enabled()) {
            throw new IllegalStateException("DOCUMENTS_S3_BUCKET is not configured: there are no documents to back up");
        }
        boolean full = "documents-full".equals(exchange.getIn().getHeader(BackupHeaders.BACKUP_TYPE, String.class));
        // the catalog's state and content index load while the bucket is listed (both are ~10,000 rows)
        CompletableFuture<Map<String, DocumentEntry>> stateLoad = full ? CompletableFuture.completedFuture(Map.of())
                : CompletableFuture.supplyAsync(() -> load(catalog::state));
        CompletableFuture<Map<String, DocumentsCatalog.Content>> contentsLoad =
                CompletableFuture.supplyAsync(() -> load(catalog::contents));
        long t0 = System.nanoTime();
        List<ListedObject> listing = new ArrayList<>();
        int listed = 0;
        int excluded = 0;
        List<S3Object> objects = lister.list(bucket, prefix);
        long listedAt = System.nanoTime();
        for (S3Object o : objects) {
            String key = o.key().substring(prefix.length());
            if (key.isEmpty() || key.endsWith("/")) {
                continue; // folder markers (consoles and some stores list folders as empty keys ending in "/")
            }
            listed++;
            if (exclusions.excludes(key)) {
                excluded++;
                continue;
            }
            listing.add(new ListedObject(key, o.size() == null ? 0 : o.size(), o.eTag(), o.lastModified()));
        }
        Map<String, DocumentEntry> state = joined(stateLoad);
        Map<String, DocumentsCatalog.Content> contents = joined(contentsLoad);
        ChangePlan plan = ChangePlan.of(state, listing, full, contents::containsKey);
        Run run = new Run(contents, plan, state, listed, excluded, new DocumentPacks(archiver,
                exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class), packing.size(), layout::documentPack));
        run.entries.addAll(plan.unchanged());
        exchange.setProperty(PROP_RUN, run);
        exchange.getIn().setBody(plan.toRead());
        LOG.info("Documents backup {}: {} object(s) listed, {} excluded, {} to read ({} bytes), {} unchanged, {} deleted "
                + "(listing {} ms, catalog and plan {} ms more)", exchange.getIn().getHeader(BackupHeaders.BACKUP_ID),
                listed, excluded, plan.toRead().size(), plan.bytesToRead(), plan.unchanged().size(),
                plan.deleted().size(), (listedAt - t0) / 1_000_000, (System.nanoTime() - listedAt) / 1_000_000);
    }

    /** A catalog query for {@link CompletableFuture#supplyAsync}: its SQLException travels as the cause. */
    private static <T> T load(Callable<T> query) {
        try {
            return query.call();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private static <T> T joined(CompletableFuture<T> load) throws Exception {
        try {
            return load.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * For one object of the split: reads it and says whether something must be stored now ({@link #STORE_CONTENT},
     * with the store headers). A small object is read into memory and hashed; a content not stored yet joins a pack,
     * and the pack it fills is what is stored. A large one streams (SHA-256 of the plaintext, gzip, OpenPGP) into a
     * spool file, stored as its own object when its content is new.
     */
    public void read(Exchange exchange) throws Exception {
        Run run = exchange.getProperty(PROP_RUN, Run.class);
        ListedObject o = exchange.getIn().getBody(ListedObject.class);
        Path work = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class);
        Path spool = work.resolve("doc-" + UUID.randomUUID() + ".gz.gpg");
        ArchiveResult a;
        try (InputStream in = source.open(bucket, prefix + o.key())) {
            InputStream rest = in;
            if (o.size() < packing.threshold()) {
                byte[] data = smallBuffer();
                int n = in.readNBytes(data, 0, data.length);
                if (n < data.length) {
                    readSmall(exchange, run, o, data, n);
                    return;
                }
                rest = new SequenceInputStream(new ByteArrayInputStream(data.clone()), in); // it grew since the listing
            }
            a = archiver.archiveInline(rest, spool, "document");
        } catch (NoSuchKeyException e) {
            Files.deleteIfExists(spool);
            run.warnings.add("deleted while the backup ran, left out of the snapshot: " + o.key());
            exchange.getIn().setHeader(STORE_CONTENT, false);
            return;
        }
        if (!newContent(run, o, a.plainBytes(), a.plainSha256())) {
            exchange.getIn().setHeader(STORE_CONTENT, false);
            Files.deleteIfExists(spool);
            return;
        }
        exchange.setProperty(PROP_ITEM, new Item(o, a));
        storeHeaders(exchange, a, layout.documentContent(a.plainSha256()));
    }

    /** The calling thread's buffer for small documents (reused: a pack copies what it takes). */
    private byte[] smallBuffer() {
        byte[] b = smallBuffers.get();
        if (b == null || b.length != packing.threshold()) {
            b = new byte[(int) packing.threshold()];
            smallBuffers.set(b);
        }
        return b;
    }

    private void readSmall(Exchange exchange, Run run, ListedObject o, byte[] data, int length) throws Exception {
        MessageDigest digest = Sha256.newDigest();
        digest.update(data, 0, length);
        String sha = Sha256.hex(digest);
        DocumentPacks.Sealed filled = newContent(run, o, length, sha) ? run.packing.add(sha, data, length) : null;
        if (filled == null) {
            exchange.getIn().setHeader(STORE_CONTENT, false); // stored already, or later with its pack
            return;
        }
        exchange.setProperty(PROP_ITEM, filled);
        storeHeaders(exchange, filled.archive(), filled.objectKey());
    }

    /** Records the object in the snapshot; true when its content is new and this thread is the one to store it. */
    private static boolean newContent(Run run, ListedObject o, long size, String sha256) {
        run.bytesRead.addAndGet(size);
        run.entries.add(new DocumentEntry(o.key(), size, o.etag(), o.lastModified(), sha256));
        boolean mine = !run.contents.containsKey(sha256) && run.claimed.putIfAbsent(sha256, true) == null;
        if (!mine) {
            run.reusedContents.incrementAndGet();
        }
        return mine;
    }

    private void storeHeaders(Exchange exchange, ArchiveResult a, String objectKey) {
        Message in = exchange.getIn();
        in.setHeader(STORE_CONTENT, true);
        in.setHeader(BackupHeaders.STORE_FILE, a.file().toString());
        in.setHeader(BackupHeaders.STORE_KEY, objectKey);
        in.setHeader(BackupHeaders.STORE_SHA256, a.storedSha256());
        in.setHeader(BackupHeaders.STORE_ETAG, a.expectedEtag());
        in.setHeader(BackupHeaders.STORE_VERIFY, verify);
        in.setHeader(BackupHeaders.STORE_CONTENT_TYPE, "application/pgp-encrypted");
    }

    /** After the last object: the packs still open are sealed; the body becomes them, to be stored. */
    public void sealPacks(Exchange exchange) throws Exception {
        exchange.getIn().setBody(exchange.getProperty(PROP_RUN, Run.class).packing.sealAll());
    }

    /** For one sealed pack of the body: the store headers. */
    public void storePack(Exchange exchange) {
        DocumentPacks.Sealed pack = exchange.getIn().getBody(DocumentPacks.Sealed.class);
        exchange.setProperty(PROP_ITEM, pack);
        storeHeaders(exchange, pack.archive(), pack.objectKey());
    }

    /**
     * After a content was stored and verified in both buckets: it joins the content index (written in batches of
     * {@value #INDEX_BATCH}; a content stored by a run that fails before its batch is written is stored again, under
     * the same key, by the next run).
     */
    public void stored(Exchange exchange) throws Exception {
        Run run = exchange.getProperty(PROP_RUN, Run.class);
        Object stored = exchange.getProperty(PROP_ITEM);
        ArchiveResult a;
        List<DocumentsCatalog.Content> contents = new ArrayList<>();
        if (stored instanceof DocumentPacks.Sealed pack) {
            a = pack.archive();
            for (DocumentPacks.Member m : pack.members()) {
                contents.add(new DocumentsCatalog.Content(m.sha256(), m.size(), a.storedSha256(), a.storedBytes(),
                        pack.objectKey()));
            }
            run.newPacks.incrementAndGet();
            run.packedContents.addAndGet(pack.members().size());
        } else {
            a = ((Item) stored).archive();
            contents.add(new DocumentsCatalog.Content(a.plainSha256(), a.plainBytes(), a.storedSha256(), a.storedBytes(),
                    layout.documentContent(a.plainSha256())));
        }
        for (DocumentsCatalog.Content content : contents) {
            run.contents.put(content.sha256(), content);
            run.unindexed.add(content);
        }
        run.newContents.addAndGet(contents.size());
        run.newContentBytes.addAndGet(a.storedBytes());
        Files.deleteIfExists(a.file());
        if (run.unindexedCount.addAndGet(contents.size()) >= INDEX_BATCH) {
            indexStoredContents(run, exchange.getIn().getHeader(BackupHeaders.BACKUP_ID, Long.class));
        }
    }

    private void indexStoredContents(Run run, long backupId) throws SQLException {
        synchronized (run.unindexed) {
            List<DocumentsCatalog.Content> batch = new ArrayList<>();
            for (DocumentsCatalog.Content c; (c = run.unindexed.poll()) != null;) {
                batch.add(c);
            }
            run.unindexedCount.addAndGet(-batch.size());
            catalog.addContents(batch, backupId);
        }
    }

    /**
     * After every object was read: the snapshot (one JSON line per object, sorted by key, with its content object)
     * goes through the archiver as the backup's artifact.
     */
    public void snapshot(Exchange exchange) throws Exception {
        Run run = exchange.getProperty(PROP_RUN, Run.class);
        indexStoredContents(run, exchange.getIn().getHeader(BackupHeaders.BACKUP_ID, Long.class));
        List<DocumentEntry> entries = new ArrayList<>(run.entries);
        entries.sort(Comparator.comparing(DocumentEntry::key));
        Path work = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class);
        Path plain = work.resolve("snapshot.jsonl");
        var oneLine = Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(plain), StandardCharsets.UTF_8))) {
            for (DocumentEntry e : entries) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("key", e.key());
                line.put("size", e.size());
                line.put("sha256", e.sha256());
                line.put("etag", e.etag());
                line.put("lastModified", e.lastModified() == null ? null : e.lastModified().toString());
                line.put("object", run.contents.get(e.sha256()).objectKey());
                w.write(oneLine.writeValueAsString(line));
                w.write('\n');
            }
        }
        exchange.setProperty("DocumentsSnapshotEntries", entries);
        exchange.getIn().setBody(Files.newInputStream(plain));
    }

    /** Removes the plaintext snapshot once the archiver encrypted it. */
    public void dropPlainSnapshot(Exchange exchange) throws IOException {
        Files.deleteIfExists(exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class).resolve("snapshot.jsonl"));
    }

    /** The manifest: counts and sizes, never names. Also replaces the catalog's state with the new snapshot. */
    @SuppressWarnings("unchecked")
    public void manifest(Exchange exchange) throws Exception {
        Run run = exchange.getProperty(PROP_RUN, Run.class);
        List<DocumentEntry> entries = exchange.getProperty("DocumentsSnapshotEntries", List.class);
        Message in = exchange.getIn();
        ArchiveResult archive = exchange.getProperty(BackupHeaders.PROP_ARCHIVE, ArchiveResult.class);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("formatVersion", BackupManifest.FORMAT_VERSION);
        m.put("kind", "gorgen-backup/documents");
        m.put("backupId", in.getHeader(BackupHeaders.BACKUP_ID));
        m.put("tenantId", tenantId);
        m.put("type", in.getHeader(BackupHeaders.BACKUP_TYPE));
        m.put("startedAt", in.getHeader(BackupHeaders.STARTED_AT, Instant.class).toString());
        m.put("completedAt", Instant.now().toString());
        m.put("createdBy", in.getHeader(BackupHeaders.REQUESTED_BY));
        m.put("artifact", new BackupManifest.Artifact(in.getHeader(BackupHeaders.OBJECT_KEY, String.class),
                manifests.primaryBucket(), manifests.secondaryBucket(), archive.storedBytes(), archive.storedSha256(),
                archive.plainBytes(), archive.plainSha256(), "jsonl+gzip+openpgp"));
        m.put("source", Map.of("bucket", bucket, "prefix", prefix, "exclusions", exclusions.patterns()));
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("objects", entries.size());
        counts.put("bytes", entries.stream().mapToLong(DocumentEntry::size).sum());
        counts.put("listed", run.listed);
        counts.put("excluded", run.excluded);
        counts.put("unchanged", run.plan.unchanged().size());
        counts.put("read", run.plan.toRead().size());
        counts.put("bytesRead", run.bytesRead.get());
        counts.put("deletedSincePrevious", run.plan.deleted().size());
        counts.put("newContents", run.newContents.get());
        counts.put("newContentStoredBytes", run.newContentBytes.get());
        counts.put("reusedContents", run.reusedContents.get());
        counts.put("newPacks", run.newPacks.get());
        counts.put("newPackedContents", run.packedContents.get());
        m.put("counts", counts);
        // every stored object (content or pack) the snapshot's documents are in: what retention must keep while this
        // backup is kept, readable without the private key (the keys are content hashes, as in a bucket listing)
        m.put("storedObjects", entries.stream().map(e -> run.contents.get(e.sha256()).objectKey()).distinct().sorted()
                .toList());
        m.put("contentLayout", layout.documentContent("0".repeat(64)).replace("0".repeat(64), "<sha256>")
                .replace("/00/", "/<first two hex digits>/"));
        m.put("packLayout", layout.documentPack("0".repeat(64)).replace("0".repeat(64), "<sha256 of the tar>")
                .replace("/00/", "/<first two hex digits>/") + " holding <first two hex digits>/<sha256> entries");
        m.put("encryption", manifests.encryption());
        m.put("warnings", List.copyOf(run.warnings));
        m.put("restoreHint", "gpg --decrypt snapshot.jsonl.gz.gpg | gunzip lists every object; an object ending in "
                + ".gz.gpg is gpg --decrypt <object> | gunzip, one ending in .tar.gz.gpg is a pack: gpg --decrypt <pack> | "
                + "tar -xz gives <first two hex digits>/<sha256> (see docs/RESTORE.md)");
        ManifestWriter.stage(exchange, m);
        if (!run.warnings.isEmpty()) {
            String notes = run.warnings.size() + " document(s) could not be copied: " + String.join("; ", run.warnings);
            in.setHeader(BackupHeaders.NOTES, notes);
            exchange.setProperty(BackupHeaders.PROP_COVERAGE, new br.com.gorgen.backup.catalog.BackupRecord.Coverage(
                    null, null, null, null, null, null, null, notes));
        }
    }

    /**
     * Once the backup is stored: the catalog's state becomes this snapshot. After a full backup (which did not load
     * the state) it is replaced; after an incremental only the rows that differ are written (a 1 % change is ~100
     * rows, not the whole bucket's ten thousand).
     */
    @SuppressWarnings("unchecked")
    public void commitState(Exchange exchange) throws SQLException {
        Run run = exchange.getProperty(PROP_RUN, Run.class);
        List<DocumentEntry> entries = exchange.getProperty("DocumentsSnapshotEntries", List.class);
        long backupId = exchange.getIn().getHeader(BackupHeaders.BACKUP_ID, Long.class);
        if (run.previous.isEmpty()) {
            catalog.replaceState(entries, backupId);
            return;
        }
        Map<String, DocumentEntry> gone = new java.util.HashMap<>(run.previous);
        List<DocumentEntry> changed = new ArrayList<>();
        for (DocumentEntry e : entries) {
            if (!e.equals(gone.remove(e.key()))) {
                changed.add(e);
            }
        }
        catalog.updateState(gone.keySet(), changed, backupId);
    }
}
