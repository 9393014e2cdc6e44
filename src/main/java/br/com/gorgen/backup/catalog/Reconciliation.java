package br.com.gorgen.backup.catalog;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.support.ErrorMessages;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the catalog with both buckets: every successful backup not expired must have its artifact (of the size
 * the history recorded) and its manifest in the primary and in the secondary bucket, and so must what only its
 * manifest names (a full backup's configuration archive, every stored object a documents snapshot uses); every stored
 * documents content or pack the content index names must be in both, of its stored size. Each bucket is listed once under the
 * service's own tenant prefix (no per-object requests). What is missing, of another size, or a bucket that cannot be
 * listed is a problem; any problem is a CRITICAL alert (the route). Deep checks (decrypting, SHA-256) are the restore
 * drill's job.
 */
public class Reconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciliation.class);
    public static final String PROP_REPORT = "ReconciliationReport";
    public static final String HEADER_PROBLEMS = "ReconciliationProblems";

    /** One discrepancy: which backup (0 for a documents content), where, and what is wrong. */
    public record Problem(long backupId, String bucket, String key, String what) {
        @Override
        public String toString() {
            return (backupId > 0 ? "backup #" + backupId + ": " : "") + bucket + (key.isEmpty() ? "" : "/" + key) + ": "
                    + what;
        }
    }

    public record Report(Instant at, int backupsChecked, int objectsChecked, List<Problem> problems) {
        /** The report as the API answers it. */
        public Map<String, Object> view() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("at", at.toString());
            body.put("backupsChecked", backupsChecked);
            body.put("objectsChecked", objectsChecked);
            body.put("problems", problems.stream().map(p -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("backupId", p.backupId() > 0 ? p.backupId() : null);
                m.put("bucket", p.bucket());
                m.put("key", p.key());
                m.put("problem", p.what());
                return m;
            }).toList());
            return body;
        }
    }

    private final BackupHistory history;
    private final StoredContents documents;
    private final BackupBuckets buckets;
    private final BackupKeyLayout layout;
    private final Clock clock;

    /** The documents content index: every stored content or pack object with its stored size. */
    @FunctionalInterface
    public interface StoredContents {
        Map<String, Long> objects() throws Exception;
    }

    /** @param documents the documents content index, or null when there is no documents backup */
    public Reconciliation(BackupHistory history, StoredContents documents, BackupBuckets buckets,
            BackupKeyLayout layout, Clock clock) {
        this.history = history;
        this.documents = documents;
        this.buckets = buckets;
        this.layout = layout;
        this.clock = clock;
    }

    /** Runs the comparison: property {@link #PROP_REPORT}, header {@link #HEADER_PROBLEMS} (their number). */
    public void reconcile(Exchange exchange) throws Exception {
        Report report = run();
        exchange.setProperty(PROP_REPORT, report);
        exchange.getIn().setHeader(HEADER_PROBLEMS, report.problems().size());
        if (report.problems().isEmpty()) {
            LOG.info("Reconciliation: {} backup(s), {} object(s) in both buckets, no problem", report.backupsChecked(),
                    report.objectsChecked());
        } else {
            LOG.error("Reconciliation: {} problem(s): {}", report.problems().size(), report.problems());
        }
    }

    Report run() throws Exception {
        Instant at = clock.instant();
        List<Problem> problems = new ArrayList<>();
        List<Listing> listings = new ArrayList<>();
        for (BackupBuckets.Bucket b : buckets.both()) {
            try {
                listings.add(new Listing(b.name(), b.sizesUnder(layout.tenantRoot())));
            } catch (RuntimeException e) {
                problems.add(new Problem(0, b.name(), "", "the bucket could not be listed: " + ErrorMessages.describe(e)));
            }
        }
        int backups = 0;
        int objects = 0;
        for (BackupRecord r : history.unexpired()) {
            if (!"success".equals(r.status())) {
                continue;
            }
            backups++;
            for (Listing l : listings) {
                objects += expect(problems, l, r.id(), r.manifestPath(), null, "manifest");
                objects += expect(problems, l, r.id(), r.filePath(), r.fileSizeBytes(), "artifact");
            }
            objects += expectReferenced(problems, listings, r);
        }
        if (documents != null) {
            for (Map.Entry<String, Long> o : documents.objects().entrySet()) {
                for (Listing l : listings) {
                    objects += expect(problems, l, 0, o.getKey(), o.getValue(), "documents content");
                }
            }
        }
        return new Report(at, backups, objects, List.copyOf(problems));
    }

    /**
     * What only the manifest names: a full backup's configuration archive, and every stored object a documents
     * snapshot uses (whatever the content index says: it is empty after a catalog rebuild). The manifest is read from
     * a bucket that has it; when neither has it, that is already a problem.
     */
    private int expectReferenced(List<Problem> problems, List<Listing> listings, BackupRecord r) {
        if (!"full".equals(r.type()) && !r.type().startsWith("documents")) {
            return 0;
        }
        JsonNode manifest = null;
        for (Listing l : listings) {
            if (manifest == null && r.manifestPath() != null && l.sizes().containsKey(r.manifestPath())) {
                BackupBuckets.Bucket b = buckets.named(l.bucket());
                try {
                    manifest = b.readJson(r.manifestPath());
                } catch (RuntimeException e) {
                    problems.add(new Problem(r.id(), l.bucket(), r.manifestPath(), "manifest unreadable: "
                            + ErrorMessages.describe(e)));
                }
            }
        }
        if (manifest == null) {
            return 0;
        }
        int objects = 0;
        JsonNode config = manifest.path("config");
        for (Listing l : listings) {
            if (config.hasNonNull("key")) {
                objects += expect(problems, l, r.id(), config.get("key").asText(), config.path("sizeBytes").asLong(),
                        "configuration archive");
            }
            for (JsonNode o : manifest.path("storedObjects")) {
                objects += expect(problems, l, r.id(), o.asText(), null, "documents content");
            }
        }
        return objects;
    }

    private static int expect(List<Problem> problems, Listing l, long id, String key, Long size, String what) {
        if (key == null || key.isBlank()) {
            return 0;
        }
        Long actual = l.sizes().get(key);
        if (actual == null) {
            problems.add(new Problem(id, l.bucket(), key, what + " missing"));
        } else if (size != null && !size.equals(actual)) {
            problems.add(new Problem(id, l.bucket(), key, what + " has " + actual + " bytes, the catalog says " + size));
        }
        return 1;
    }

    private record Listing(String bucket, SortedMap<String, Long> sizes) {
    }
}
