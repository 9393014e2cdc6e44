package br.com.gorgen.backup.catalog;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import br.com.gorgen.backup.binlog.ShipmentPlan;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.support.ErrorMessages;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds {@code backup_history} from the manifests in the buckets: the history is an index, the manifests are the
 * truth. Every {@code manifest.json} under this tenant's root is read (from the primary bucket, or from the secondary
 * when the primary cannot be listed or lacks it), checked (kind, tenant, id, keys where the layout puts them, the
 * artifact present with its recorded size) and inserted with its own id as a successful backup, with the same
 * point-in-time facts a live run records, so that listings, chains, point-in-time recovery, restores and retention
 * work as before. Rows that exist are never touched (a rebuild runs again safely); a manifest that fails a check is
 * skipped and reported, never guessed at. Failed backups left no manifest and expired ones no objects: neither comes
 * back. The documents catalog's state and content index are not rebuilt (they need the private key): the next
 * documents backup reads and stores every document again.
 */
public class CatalogRebuilder {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogRebuilder.class);
    private static final String MANIFEST = "/manifest.json";
    private static final List<String> KINDS = List.of("gorgen-backup/database", "gorgen-backup/binlog",
            "gorgen-backup/documents");
    private static final List<String> TYPES = List.of("full", "incremental", "transactional", "documents-full",
            "documents-incremental");

    /** A manifest that was not restored, and why. */
    public record Skipped(String bucket, String key, String reason) {
    }

    /** What one rebuild did. */
    public record Report(Instant at, String trigger, Map<String, String> buckets, int manifests, List<Long> restored,
            List<Long> present, List<Skipped> skipped) {
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", at.toString());
            m.put("trigger", trigger);
            m.put("buckets", buckets);
            m.put("manifests", manifests);
            m.put("restored", restored.size());
            m.put("alreadyPresent", present.size());
            m.put("restoredIds", restored);
            m.put("skipped", skipped.stream().map(s -> {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("bucket", s.bucket());
                v.put("key", s.key());
                v.put("reason", s.reason());
                return v;
            }).toList());
            return m;
        }
    }

    private final BackupHistory history;
    private final BackupBuckets buckets;
    private final BackupKeyLayout layout;
    private final Clock clock;
    private final boolean atStartUp;
    private final BackupPins pins;
    private final MaintenanceLock maintenance;
    private static final java.time.Duration MAINTENANCE_WAIT = java.time.Duration.ofMinutes(10);

    /** @param atStartUp whether an empty history is rebuilt when the catalog is prepared ({@code backup.catalog.rebuild.at.startup}) */
    public CatalogRebuilder(BackupHistory history, BackupBuckets buckets, BackupKeyLayout layout, Clock clock,
            boolean atStartUp, BackupPins pins, MaintenanceLock maintenance) {
        this.pins = pins;
        this.maintenance = maintenance;
        this.history = history;
        this.buckets = buckets;
        this.layout = layout;
        this.clock = clock;
        this.atStartUp = atStartUp;
    }

    /**
     * When the catalog is prepared: an empty history (a new database, or one restored from before the backups) is
     * rebuilt from the buckets. Never throws: the service runs, and the rebuild can be asked for by the API.
     */
    public void rebuildIfEmpty() {
        if (!atStartUp) {
            return;
        }
        try {
            if (history.count() > 0) {
                return;
            }
            Report r = rebuild("start-up (empty history)");
            if (r.manifests() > 0) {
                LOG.warn("The backup history was empty: rebuilt {} backup(s) from the manifests in the buckets "
                        + "({} skipped)", r.restored().size(), r.skipped().size());
            }
        } catch (Exception e) {
            LOG.error("The backup history is empty and could not be rebuilt from the buckets: {}. Ask for it with POST "
                    + "/api/backup/catalog/rebuild once the buckets are reachable.", ErrorMessages.describe(e));
        }
    }

    /**
     * One rebuild; at most one at a time. Throws when neither bucket can be listed. It holds the catalog's maintenance
     * lock and pins every backup while it runs: a clean-up deciding on a history half rebuilt (a full backup whose
     * incrementals are not in yet) could delete what the rows still to come need.
     */
    public synchronized Report rebuild(String trigger) throws Exception {
        MaintenanceLock.Held held = maintenance.acquire("catalog rebuild", MAINTENANCE_WAIT).orElseThrow(() ->
                new IllegalStateException("another maintenance of the catalog ("
                        + maintenance.holder().orElse("a clean-up or a deletion") + ") did not end within "
                        + MAINTENANCE_WAIT.toMinutes() + " minutes: nothing was rebuilt"));
        try (held; BackupPins.Lease everything = pins.pinEverything("catalog rebuild")) {
            return rebuildLocked(trigger);
        }
    }

    private Report rebuildLocked(String trigger) throws Exception {
        Instant at = clock.instant();
        String root = layout.tenantRoot();
        Map<String, String> status = new LinkedHashMap<>();
        Map<BackupBuckets.Bucket, SortedMap<String, Long>> listings = new LinkedHashMap<>();
        Exception lastFailure = null;
        for (BackupBuckets.Bucket b : buckets.both()) {
            try {
                SortedMap<String, Long> keys = b.sizesUnder(root);
                listings.put(b, keys);
                status.put(b.name(), "listed " + keys.size() + " object(s)");
            } catch (RuntimeException e) {
                lastFailure = e;
                status.put(b.name(), "could not be listed: " + ErrorMessages.describe(e));
            }
        }
        if (listings.isEmpty()) {
            throw new IllegalStateException("neither backup bucket can be listed: " + status, lastFailure);
        }
        // every manifest key, taken from the first bucket (primary first) that holds it
        SortedMap<String, BackupBuckets.Bucket> manifests = new TreeMap<>();
        listings.forEach((b, keys) -> keys.keySet().stream().filter(k -> k.endsWith(MANIFEST))
                .forEach(k -> manifests.putIfAbsent(k, b)));
        List<BackupRecord> rows = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Map.Entry<String, BackupBuckets.Bucket> m : manifests.entrySet()) {
            String key = m.getKey();
            BackupBuckets.Bucket bucket = m.getValue();
            try {
                Object row = toRow(bucket.readJson(key), key, listings, at);
                if (row instanceof String reason) {
                    skipped.add(new Skipped(bucket.name(), key, reason));
                } else {
                    rows.add((BackupRecord) row);
                }
            } catch (Exception e) {
                skipped.add(new Skipped(bucket.name(), key, "unreadable: " + ErrorMessages.describe(e)));
            }
        }
        rows.sort(java.util.Comparator.comparing(BackupRecord::id));
        List<Long> restored = new ArrayList<>();
        List<Long> present = new ArrayList<>();
        for (BackupRecord r : rows) {
            if (history.insertRebuilt(r)) {
                restored.add(r.id());
            } else {
                Optional<BackupRecord> existing = history.findById(r.id());
                if (existing.isPresent() && r.filePath().equals(existing.get().filePath())) {
                    present.add(r.id());
                } else {
                    skipped.add(new Skipped(manifests.get(r.manifestPath()).name(), r.manifestPath(),
                            "the history already has a different backup #" + r.id() + (existing.isPresent() ? " (" + existing.get().type() + ", "
                                    + existing.get().filePath() + ")" : " (another tenant)")));
                }
            }
        }
        Report report = new Report(at, trigger, status, manifests.size(), restored, present, skipped);
        LOG.info("Catalog rebuild ({}): {} manifest(s), {} backup(s) restored to the history, {} already there, {} "
                + "skipped{}", trigger, manifests.size(), restored.size(), present.size(), skipped.size(),
                skipped.isEmpty() ? "" : ": " + skipped);
        return report;
    }

    /**
     * The success row of a backup whose row was never closed (a stop, or the catalog down, between its manifest being
     * stored and its row being marked), when it is complete: its manifest, naming it, and its artifact, of the
     * manifest's size, in <em>both</em> buckets. Empty when it is not (or the buckets cannot tell now).
     */
    public Optional<BackupRecord> completed(BackupRecord r) {
        if (r.manifestPath() == null || r.manifestPath().isEmpty()) {
            return Optional.empty();
        }
        String folder = BackupKeyLayout.folderOf(r.manifestPath());
        try {
            Map<BackupBuckets.Bucket, SortedMap<String, Long>> listings = new LinkedHashMap<>();
            for (BackupBuckets.Bucket b : buckets.both()) {
                listings.put(b, b.sizesUnder(folder));
            }
            for (BackupBuckets.Bucket b : buckets.both()) {
                if (!listings.get(b).containsKey(r.manifestPath())) {
                    return Optional.empty();
                }
                JsonNode m = b.readJson(r.manifestPath());
                if (m.path("backupId").asLong(-1) != r.id()) {
                    return Optional.empty();
                }
                // the artifact must be whole in this very bucket
                Object row = toRow(m, r.manifestPath(), Map.of(b, listings.get(b)), clock.instant());
                if (!(row instanceof BackupRecord rec) || !rec.filePath().equals(r.filePath())) {
                    return Optional.empty();
                }
            }
            Object row = toRow(buckets.primary().readJson(r.manifestPath()), r.manifestPath(), listings, clock.instant());
            return row instanceof BackupRecord rec ? Optional.of(rec) : Optional.empty();
        } catch (RuntimeException e) {
            LOG.warn("Backup {}: whether its stored copies are complete cannot be told now: {}", r.id(),
                    ErrorMessages.describe(e));
            return Optional.empty();
        }
    }

    /** Closes as {@code success} every row of {@code rows} that {@link #completed} finds complete; returns their ids. */
    public List<Long> closeCompleted(List<BackupRecord> rows) {
        List<Long> closed = new ArrayList<>();
        for (BackupRecord r : rows) {
            Optional<BackupRecord> done = completed(r);
            if (done.isEmpty()) {
                continue;
            }
            try {
                if (history.closeFromManifest(done.get(), "closed from its manifest, complete in both buckets, after "
                        + "its run stopped before recording it")) {
                    closed.add(r.id());
                    LOG.warn("Backup {} was stored whole in both buckets but its run stopped before recording it: "
                            + "closed as success from its manifest", r.id());
                }
            } catch (java.sql.SQLException e) {
                LOG.error("Backup {} is complete in both buckets but its row could not be closed: {}", r.id(),
                        e.getMessage());
            }
        }
        return closed;
    }

    /** The history row a manifest describes, or the reason it cannot be trusted (a String). */
    Object toRow(JsonNode m, String manifestKey, Map<BackupBuckets.Bucket, SortedMap<String, Long>> listings,
            Instant at) {
        String kind = m.path("kind").asText();
        if (!KINDS.contains(kind)) {
            return "not a gorgen-backup manifest (kind '" + kind + "')";
        }
        if (m.path("tenantId").asInt(-1) != layout.tenantId()) {
            return "manifest of tenant " + m.path("tenantId").asText() + ", not " + layout.tenantId();
        }
        long id = m.path("backupId").asLong(0);
        String type = m.path("type").asText();
        if (id <= 0 || !TYPES.contains(type)) {
            return "no backup id or type";
        }
        JsonNode artifact = m.path("artifact");
        String artifactKey = artifact.path("key").asText(null);
        if (artifactKey == null || layout.ownFolder(id, type, artifactKey, manifestKey).isEmpty()) {
            return "its keys are not where this service puts backup #" + id;
        }
        long size = artifact.path("sizeBytes").asLong(-1);
        boolean found = listings.values().stream().anyMatch(keys -> Long.valueOf(size).equals(keys.get(artifactKey)));
        if (!found) {
            return "the artifact " + artifactKey + " is in neither bucket with its " + size + " bytes";
        }
        Instant startedAt = Instant.parse(m.path("startedAt").asText());
        Instant completedAt = instant(m.path("completedAt"));
        String binlogFile = null;
        Long binlogPosition = null;
        BackupRecord.Coverage coverage;
        String notes = "rebuilt from its manifest on " + at;
        JsonNode warnings = m.path("warnings");
        if (warnings.isArray() && !warnings.isEmpty()) {
            List<String> w = new ArrayList<>();
            warnings.forEach(x -> w.add(x.asText()));
            notes = String.join("; ", w) + " | " + notes;
        }
        JsonNode binlog = m.path("binlog");
        switch (type) {
            case "full" -> {
                JsonNode snapshot = m.path("snapshot");
                binlogFile = snapshot.path("binlogFile").asText(null);
                binlogPosition = snapshot.hasNonNull("binlogPosition") ? snapshot.get("binlogPosition").asLong() : null;
                long serverId = m.path("source").path("serverId").asLong(0);
                coverage = new BackupRecord.Coverage(BinlogCoordinates.sourceId(serverId),
                        instant(snapshot.path("observedAt")), null, null, null, null, null, notes);
            }
            case "transactional", "incremental" -> {
                JsonNode files = binlog.path("files");
                if (!files.isArray() || files.isEmpty()) {
                    return "a binary-log backup whose manifest lists no file";
                }
                JsonNode last = files.get(files.size() - 1);
                if ("transactional".equals(type)) {
                    binlogFile = last.path("name").asText();
                    binlogPosition = last.path("endPosition").asLong();
                } else {
                    // where the next backup of the chain continues: the file after the last one held
                    ShipmentPlan.FileName name = ShipmentPlan.FileName.parse(last.path("name").asText());
                    binlogFile = name.withSequence(name.sequence() + 1);
                    binlogPosition = 4L;
                }
                coverage = new BackupRecord.Coverage(binlog.path("sourceId").asText(null), null,
                        instant(binlog.path("firstEventAt")), instant(binlog.path("lastEventAt")),
                        binlog.path("startFile").asText(null),
                        binlog.hasNonNull("startPosition") ? binlog.get("startPosition").asLong() : null,
                        binlog.hasNonNull("parentId") ? binlog.get("parentId").asLong() : null, notes);
            }
            default -> coverage = new BackupRecord.Coverage(null, null, null, null, null, null, null, notes);
        }
        return new BackupRecord(id, layout.tenantId(), type, "success", startedAt, completedAt, artifactKey, size,
                artifact.path("sha256").asText(null), null, m.path("createdBy").asText("unknown"), manifestKey,
                artifact.path("plaintextSha256").asText(null),
                artifact.hasNonNull("plaintextBytes") ? artifact.get("plaintextBytes").asLong() : null, binlogFile,
                binlogPosition, coverage);
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() || n.asText().isEmpty() ? null : Instant.parse(n.asText());
    }
}
