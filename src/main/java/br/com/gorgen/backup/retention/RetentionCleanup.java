package br.com.gorgen.backup.retention;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupRecord;
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
            DocumentsContentCollector.Result documents) {
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("now", now.toString());
            m.put("kept", kept);
            m.put("removed", removed);
            m.put("problems", problems);
            if (documents != null) {
                m.put("documentsContents", documents.view());
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

    /**
     * @param contents collects the documents contents no kept snapshot references (null: no documents backup)
     * @param contentGrace how old an unreferenced content must be to be collected (the failed-backup grace)
     */
    public RetentionCleanup(BackupHistory history, RetentionPolicy policy, BackupExpirer expirer, Clock clock,
            boolean afterBackup, DocumentsContentCollector contents, java.time.Duration contentGrace) {
        this.contents = contents;
        this.contentGrace = contentGrace;
        this.history = history;
        this.policy = policy;
        this.expirer = expirer;
        this.clock = clock;
        this.afterBackup = afterBackup;
    }

    /** Whether every successful backup is followed by a clean-up ({@code backup.retention.after.backup}). */
    public boolean afterBackup() {
        return afterBackup;
    }

    /** Runs one clean-up; property {@link #PROP_REPORT} holds what was removed, kept and left alone. */
    public synchronized void run(Exchange exchange) throws Exception {
        Instant now = clock.instant();
        List<BackupRecord> rows = history.unexpired();
        Map<Long, RetentionDecision> decisions = policy.decide(RetentionCatalog.entries(rows), now);
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
                removed.add(m);
            } catch (Exception e) {
                m.put("problem", "not removed: " + ErrorMessages.describe(e));
                problems.add(m);
            }
        }
        DocumentsContentCollector.Result documents = contents == null ? null : contents.collect(now, contentGrace);
        exchange.setProperty(PROP_REPORT, new Report(now, kept, List.copyOf(removed), List.copyOf(problems), documents));
        LOG.info("Retention clean-up: {} backup(s) removed, {} kept, {} left with a problem; documents contents: {}",
                removed.size(), kept, problems.size(), documents == null ? "no documents backup" : documents.view());
        if (!problems.isEmpty()) {
            LOG.warn("Retention clean-up problems: {}", problems);
        }
    }
}
