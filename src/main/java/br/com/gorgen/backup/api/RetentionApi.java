package br.com.gorgen.backup.api;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.retention.RetentionCatalog;
import br.com.gorgen.backup.retention.RetentionCleanup;
import br.com.gorgen.backup.retention.RetentionDecision;
import br.com.gorgen.backup.retention.RetentionEntry;
import br.com.gorgen.backup.retention.RetentionPolicy;
import br.com.gorgen.backup.retention.RetentionSettings;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/backup/retention/preview} (role admin): what the retention policy would delete now and why
 * everything else is kept, without deleting anything (a dry run of the clean-up).
 */
public class RetentionApi {
    private final BackupHistory history;
    private final RetentionPolicy policy;
    private final Clock clock;

    private final br.com.gorgen.backup.catalog.BackupPins pins;

    public RetentionApi(BackupHistory history, RetentionPolicy policy, Clock clock,
            br.com.gorgen.backup.catalog.BackupPins pins) {
        this.pins = pins;
        this.history = history;
        this.policy = policy;
        this.clock = clock;
    }

    /** Answers {@code POST /api/backup/retention/run} with the clean-up's report, and sets the audit headers. */
    public void cleanupReport(Exchange exchange) {
        RetentionCleanup.Report report = exchange.getProperty(RetentionCleanup.PROP_REPORT, RetentionCleanup.Report.class);
        Map<String, Object> view = new LinkedHashMap<>(report.view());
        // the other steps of the clean-up route
        Object leftovers = exchange.getProperty(br.com.gorgen.backup.restore.RestoreLeftovers.PROP_REPORT);
        if (leftovers != null) {
            view.put("restoreLeftovers", leftovers);
        }
        Object uploads = exchange.getProperty(br.com.gorgen.backup.storage.IncompleteUploads.PROP_REPORT);
        if (uploads != null) {
            view.put("incompleteUploads", uploads);
        }
        ApiResponder.respond(exchange, 200, view);
        exchange.getIn().setHeader("AuditAction", "retention.run");
        exchange.getIn().setHeader("AuditTarget", "retention");
        exchange.getIn().setHeader("AuditDetails", "removed " + report.removed().size() + " backup(s), "
                + report.problems().size() + " problem(s)" + (report.documents() == null ? ""
                        : "; documents contents: " + report.documents().view()));
    }

    public void preview(Exchange exchange) throws ApiException {
        List<BackupRecord> rows;
        Map<Long, List<String>> pinned;
        try {
            rows = history.unexpired();
            pinned = pins.owners();
        } catch (Exception e) {
            throw ApiException.catalogUnavailable("history", e);
        }
        Instant now = clock.instant();
        List<RetentionEntry> entries = RetentionCatalog.entries(rows);
        Map<Long, RetentionEntry> byId = new HashMap<>();
        entries.forEach(e -> byId.put(e.id(), e));
        Map<Long, RetentionDecision> decisions = policy.decide(entries, now, pinned);
        List<Map<String, Object>> backups = new ArrayList<>();
        int keep = 0;
        int delete = 0;
        for (BackupRecord r : rows.stream().sorted(Comparator.comparing(BackupRecord::id).reversed()).toList()) {
            RetentionDecision d = decisions.get(r.id());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("type", r.type());
            m.put("status", r.status());
            m.put("takenAt", byId.get(r.id()).takenAt().toString());
            m.put("verdict", d.verdict().name().toLowerCase());
            m.put("reasons", d.reasons());
            m.put("protected", !d.protections().isEmpty()); // a safety rule: DELETE /api/backup/{id} answers 409
            backups.add(m);
            keep += d.keep() ? 1 : 0;
            delete += d.delete() ? 1 : 0;
        }
        RetentionSettings s = policy.settings();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("now", now.toString());
        body.put("dryRun", true);
        body.put("policy", Map.of("timeZone", s.zone().getId(), "dailyDays", s.dailyDays(), "weeklyWeeks",
                s.weeklyWeeks(), "monthlyMonths", s.monthlyMonths(), "yearlyYears", s.yearlyYears(), "binlogDays",
                s.binlogDays(), "minSuccessfulFulls", s.minSuccessfulFulls(), "failedGraceDays", s.failedGraceDays()));
        body.put("summary", Map.of("keep", keep, "delete", delete));
        body.put("backups", backups);
        ApiResponder.respond(exchange, 200, body);
    }
}
