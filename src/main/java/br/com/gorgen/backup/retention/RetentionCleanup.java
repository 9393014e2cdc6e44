package br.com.gorgen.backup.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupPins;
import br.com.gorgen.backup.catalog.MaintenanceLock;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.ObjectLockedException;
import br.com.gorgen.backup.storage.ObjectLocking;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.ErrorMessages;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clean-up: decides over the unexpired history (the policy, "now" from the clock) and removes every backup the
 * policy deletes ({@link BackupExpirer}: its own folder in both buckets, then the row marked expired with the
 * policy's reason). One run at a time. A backup whose keys are not a folder of its own is left alone and reported;
 * a removal that fails stops nothing else and is reported (the next run tries again). Then the documents contents and
 * packs no kept snapshot references are collected ({@link DocumentsContentCollector}).
 */
public class RetentionCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionCleanup.class);
    public static final String PROP_REPORT = "RetentionCleanupReport";

    /** What one run did: backups removed (id, type, reason, folder, objects per bucket), kept, and left with a problem. */
    public record Report(Instant now, int kept, List<Map<String, Object>> removed, List<Map<String, Object>> problems,
            DocumentsContentCollector.Result documents, Map<String, Object> objectLock, String skipped) {
        /** A clean-up that did not run: another maintenance of the catalog held it all the time it waited. */
        static Report skipped(Instant now, String why) {
            return new Report(now, 0, List.of(), List.of(), null, null, why);
        }

        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("now", now.toString());
            if (skipped != null) {
                m.put("skipped", skipped);
            }
            m.put("kept", kept);
            m.put("removed", removed);
            m.put("problems", problems);
            if (documents != null) {
                m.put("documentsContents", documents.view());
            }
            if (objectLock != null) {
                m.put("objectLock", objectLock);
            }
            return m;
        }
    }

    private final BackupHistory history;
    private final RetentionPolicy policy;
    private final BackupExpirer expirer;
    private final Clock clock;
    private final boolean afterBackup;
    private final DocumentsContentCollector contents;
    private final java.time.Duration contentGrace;
    private final ObjectLocking locking;
    private final BackupBuckets buckets;
    private final BackupPins pins;
    private final MaintenanceLock maintenance;
    /** How long a clean-up waits for another maintenance of the catalog (a rebuild, a deletion by hand). */
    private static final Duration MAINTENANCE_WAIT = Duration.ofSeconds(30);

    /**
     * @param contents collects the documents contents no kept snapshot references (null: no documents backup)
     * @param contentGrace how old an unreferenced content must be to be collected (the failed-backup grace)
     * @param locking S3 Object Lock: the retain-until dates of what longer rules keep are extended
     */
    public RetentionCleanup(BackupHistory history, RetentionPolicy policy, BackupExpirer expirer, Clock clock,
            boolean afterBackup, DocumentsContentCollector contents, java.time.Duration contentGrace,
            ObjectLocking locking, BackupBuckets buckets, BackupPins pins, MaintenanceLock maintenance) {
        this.pins = pins;
        this.maintenance = maintenance;
        this.locking = locking;
        this.buckets = buckets;
        this.contents = contents;
        this.contentGrace = contentGrace;
        this.history = history;
        this.policy = policy;
        this.expirer = expirer;
        this.clock = clock;
        this.afterBackup = afterBackup;
    }

    /**
     * Whether this successful backup is followed by a clean-up: {@code backup.retention.after.backup}, except for a
     * backup that asked for none (the safety backup of a production restore: that restore is under way).
     */
    public boolean afterBackup(Exchange exchange) {
        return afterBackup && !exchange.getIn().getHeader(BackupHeaders.NO_CLEANUP_AFTER, false, Boolean.class);
    }

    /**
     * Runs one clean-up; property {@link #PROP_REPORT} holds what was removed, kept and left alone. It holds the
     * catalog's maintenance lock throughout (a rebuild or a deletion by hand waits, or this one is skipped), finishes
     * the removals a stop interrupted, and decides with the pins of this moment; each removal then claims its backup,
     * so that a pin taken since is honoured.
     */
    public synchronized void run(Exchange exchange) throws Exception {
        Instant now = clock.instant();
        Optional<MaintenanceLock.Held> held = maintenance.acquire("retention clean-up", MAINTENANCE_WAIT);
        if (held.isEmpty()) {
            String why = "another maintenance of the catalog (" + maintenance.holder().orElse("a rebuild or a deletion")
                    + ") held it for " + MAINTENANCE_WAIT.toSeconds() + " s; the next clean-up runs as usual";
            LOG.warn("Retention clean-up skipped: {}", why);
            exchange.setProperty(PROP_REPORT, Report.skipped(now, why));
            return;
        }
        try (MaintenanceLock.Held lock = held.get()) {
            runLocked(exchange, now);
        }
    }

    private void runLocked(Exchange exchange, Instant now) throws Exception {
        List<Long> resumed = expirer.resume();
        if (!resumed.isEmpty()) {
            LOG.info("Retention clean-up finished the interrupted removal of backup(s) {}", resumed);
        }
        List<BackupRecord> rows = history.unexpired();
        Map<Long, RetentionDecision> decisions = policy.decide(RetentionCatalog.entries(rows), now, pins.owners());
        List<Map<String, Object>> removed = new ArrayList<>();
        List<Map<String, Object>> problems = new ArrayList<>();
        int kept = 0;
        for (BackupRecord r : rows) {
            RetentionDecision d = decisions.get(r.id());
            if (!d.delete()) {
                kept += d.keep() ? 1 : 0;
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("type", r.type());
            m.put("reason", d.reasons().get(0));
            try {
                if (!expirer.removable(r)) {
                    m.put("problem", "its objects are not in a folder of its own: left alone");
                    problems.add(m);
                    continue;
                }
                BackupExpirer.Removed gone = expirer.expire(r, "retention: " + d.reasons().get(0));
                m.put("folder", gone.folder());
                m.put("objectsRemoved", gone.objects());
                if (gone.leftFor() != null) {
                    m.put("objectsLeftFor", gone.leftFor());
                }
                removed.add(m);
            } catch (BackupExpirer.InUseException e) {
                m.put("problem", e.getMessage());
                problems.add(m);
            } catch (ObjectLockedException e) {
                m.put("problem", "not removed yet: " + e.getMessage() + " (a clean-up after that date removes it)");
                m.put("lockedUntil", e.until().toString());
                problems.add(m);
            } catch (Exception e) {
                m.put("problem", "not removed: " + ErrorMessages.describe(e));
                problems.add(m);
            }
        }
        Map<String, Object> locks = extendLocks(rows, decisions);
        DocumentsContentCollector.Result documents = contents == null ? null : contents.collect(now, contentGrace);
        exchange.setProperty(PROP_REPORT, new Report(now, kept, List.copyOf(removed), List.copyOf(problems), documents,
                locks, null));
        LOG.info("Retention clean-up: {} backup(s) removed, {} kept, {} left with a problem; documents contents: {}",
                removed.size(), kept, problems.size(), documents == null ? "no documents backup" : documents.view());
        if (!problems.isEmpty()) {
            LOG.warn("Retention clean-up problems: {}", problems);
        }
    }

    /**
     * With S3 Object Lock: the objects of every backup a calendar rule keeps for a period that is over get the
     * retain-until date of that rule (a documents backup's stored contents too), once per new date (the history
     * remembers the last one). Null when no bucket has Object Lock.
     */
    private Map<String, Object> extendLocks(List<BackupRecord> rows, Map<Long, RetentionDecision> decisions)
            throws Exception {
        if (locking == null || !locking.anyLocked()) {
            return null;
        }
        Map<Long, Instant> recorded = history.lockedUntil();
        int backups = 0;
        int objects = 0;
        List<String> lockProblems = new ArrayList<>();
        for (BackupRecord r : rows) {
            RetentionDecision d = decisions.get(r.id());
            Instant until = d.keepUntil();
            Instant before = recorded.get(r.id());
            if (!d.keep() || until == null || (before != null && !until.isAfter(before))) {
                continue;
            }
            try {
                List<String> shared = new ArrayList<>();
                if (r.type().startsWith("documents")) {
                    buckets.readJson(r.manifestPath()).path("storedObjects").forEach(o -> shared.add(o.asText()));
                }
                objects += locking.extend(expirer.folderOf(r).orElse(null), shared, until);
                history.setLockedUntil(r.id(), until);
                backups++;
            } catch (Exception e) {
                lockProblems.add("backup #" + r.id() + ": retention not extended to " + until + ": "
                        + ErrorMessages.describe(e));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", locking.mode().toString());
        m.put("backupsExtended", backups);
        m.put("objectsExtended", objects);
        m.put("problems", lockProblems);
        return m;
    }
}
