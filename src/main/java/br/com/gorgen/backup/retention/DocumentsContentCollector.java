package br.com.gorgen.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import br.com.gorgen.backup.catalog.BackupCoordinator;
import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.documents.DocumentsCatalog;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.support.ErrorMessages;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * Collects the documents contents and packs no kept snapshot references: documents contents are shared between
 * snapshots, so they leave with the last snapshot that lists them, never with a backup's own folder. The references
 * are the {@code storedObjects} of every unexpired successful documents backup's manifest (read from the primary,
 * else the secondary: the truth, no private key needed). An object is removed only when no such manifest lists it,
 * it is older than the grace period, and while the documents lane is held (no documents backup can start and reuse
 * it) and not under S3 Object Lock until later; it is first forgotten in the content index (a later backup meeting
 * that content stores it anew), then deleted from both buckets (every version, in a versioned bucket). Every
 * documents manifest found in either bucket protects what it lists too, whether the catalog knows its backup or not.
 * Anything uncertain removes nothing: a documents backup running, a manifest that cannot be read or that predates
 * {@code storedObjects}, a bucket that cannot be listed, a catalog rebuilt without its content index.
 */
public class DocumentsContentCollector {
    private static final String LANE = "documents";

    /** What one collection did: skipped (why), or the objects removed and their stored bytes, and problems. */
    public record Result(String skipped, int referenced, int unreferencedYoung, int unreferencedLocked,
            List<String> removed, long bytes, int forgottenContents, List<String> problems) {
        static Result skipped(String why) {
            return new Result(why, 0, 0, 0, List.of(), 0, 0, List.of());
        }

        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (skipped != null) {
                m.put("skipped", skipped);
                return m;
            }
            m.put("referencedObjects", referenced);
            m.put("removedObjects", removed.size());
            m.put("removedBytes", bytes);
            m.put("forgottenContents", forgottenContents);
            m.put("unreferencedWithinGrace", unreferencedYoung);
            m.put("unreferencedLocked", unreferencedLocked);
            m.put("problems", problems);
            return m;
        }
    }

    private final BackupHistory history;
    private final DocumentsCatalog index;
    private final BackupBuckets buckets;
    private final BackupKeyLayout layout;
    private final BackupCoordinator coordinator;

    public DocumentsContentCollector(BackupHistory history, DocumentsCatalog index, BackupBuckets buckets,
            BackupKeyLayout layout, BackupCoordinator coordinator) {
        this.history = history;
        this.index = index;
        this.buckets = buckets;
        this.layout = layout;
        this.coordinator = coordinator;
    }

    public Result collect(Instant now, Duration grace) {
        if (!coordinator.hold(LANE)) {
            return Result.skipped("a documents backup is running: contents are collected by the next clean-up");
        }
        try {
            return collectHeld(now, grace);
        } catch (Exception e) {
            return Result.skipped("nothing removed: " + ErrorMessages.describe(e));
        } finally {
            coordinator.releaseHold(LANE);
        }
    }

    private Result collectHeld(Instant now, Duration grace) throws Exception {
        Set<String> referenced = new HashSet<>();
        boolean anyDocumentsBackup = false;
        for (BackupRecord r : history.unexpired()) {
            if (!r.type().startsWith("documents") || !"success".equals(r.status())) {
                continue; // a failed or interrupted documents backup references nothing: its leftovers are garbage
            }
            anyDocumentsBackup = true;
            JsonNode objects = storedObjects(r);
            if (objects == null) {
                return Result.skipped("the manifest of documents backup #" + r.id() + " does not list its stored "
                        + "objects (written before they were listed): nothing is removed while it is kept");
            }
            objects.forEach(o -> referenced.add(o.asText()));
        }
        if (anyDocumentsBackup && !index.hasContents()) {
            return Result.skipped("the catalog has documents backups but no content index (it was rebuilt from the "
                    + "manifests, which cannot restore it): nothing is removed until a documents backup indexed its "
                    + "contents again");
        }
        // every documents manifest in either bucket protects what it lists, whether the catalog knows it or not
        String unlisted = referencedByManifests(referenced);
        if (unlisted != null) {
            return Result.skipped(unlisted);
        }
        String contentRoot = layout.tenantRoot() + "documents/content/";
        String packRoot = layout.tenantRoot() + "documents/packs/";
        Instant cutoff = now.minus(grace);
        // the candidates: stored objects of either bucket no kept snapshot lists, older than the grace period
        // (a copy younger than that in either bucket keeps the object in both)
        SortedMap<String, Long> garbage = new TreeMap<>();
        Set<String> young = new HashSet<>();
        for (BackupBuckets.Bucket b : buckets.both()) {
            for (String root : List.of(contentRoot, packRoot)) {
                var pages = b.client().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(b.name()).prefix(root)
                        .build());
                for (var o : pages.contents()) {
                    if (referenced.contains(o.key()) || o.key().endsWith("/")) {
                        continue;
                    }
                    if (o.lastModified() != null && o.lastModified().isAfter(cutoff)) {
                        young.add(o.key());
                    } else {
                        garbage.merge(o.key(), o.size(), Math::max);
                    }
                }
            }
        }
        garbage.keySet().removeAll(young);
        // under S3 Object Lock until later: left for a clean-up after that date
        int locked = 0;
        for (BackupBuckets.Bucket b : buckets.both()) {
            for (String key : List.copyOf(garbage.keySet())) {
                if (b.lockedUntil(key, true, now) != null) {
                    garbage.remove(key);
                    locked++;
                }
            }
        }
        int forgotten = index.forgetObjects(garbage.keySet());
        List<String> removed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Long> g : garbage.entrySet()) {
            boolean all = true;
            for (BackupBuckets.Bucket b : buckets.both()) {
                try {
                    b.deleteKey(g.getKey());
                } catch (RuntimeException e) {
                    all = false;
                    problems.add(b.name() + "/" + g.getKey() + ": not removed: " + ErrorMessages.describe(e));
                }
            }
            if (all) {
                removed.add(g.getKey());
                bytes += g.getValue();
            }
        }
        return new Result(null, referenced.size(), young.size(), locked, List.copyOf(removed), bytes, forgotten,
                List.copyOf(problems));
    }

    /**
     * Adds what every documents manifest of either bucket lists to {@code referenced}; returns why nothing may be
     * removed (a manifest that cannot be read, or lists nothing), or null.
     */
    private String referencedByManifests(Set<String> referenced) {
        String documentsRoot = layout.tenantRoot() + "documents/";
        for (BackupBuckets.Bucket b : buckets.both()) {
            List<String> folders = new ArrayList<>();
            try {
                for (var page : b.client().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(b.name())
                        .prefix(documentsRoot).delimiter("/").build())) {
                    page.commonPrefixes().forEach(p -> folders.add(p.prefix()));
                }
                folders.remove(documentsRoot + "content/");
                folders.remove(documentsRoot + "packs/");
                for (String folder : folders) {
                    for (String key : b.keysUnder(folder)) {
                        if (!key.endsWith("/manifest.json")) {
                            continue;
                        }
                        JsonNode objects = b.readJson(key).get("storedObjects");
                        if (objects == null || !objects.isArray()) {
                            return "the documents manifest " + key + " in " + b.name() + " does not list its stored "
                                    + "objects: nothing is removed while it exists";
                        }
                        objects.forEach(o -> referenced.add(o.asText()));
                    }
                }
            } catch (RuntimeException e) {
                return "the documents manifests of " + b.name() + " cannot all be read (" + ErrorMessages.describe(e)
                        + "): nothing is removed";
            }
        }
        return null;
    }

    /** The manifest's {@code storedObjects} (an array), or null when the manifest has none. */
    private JsonNode storedObjects(BackupRecord r) {
        JsonNode objects = buckets.readJson(r.manifestPath()).get("storedObjects");
        return objects != null && objects.isArray() ? objects : null;
    }
}
