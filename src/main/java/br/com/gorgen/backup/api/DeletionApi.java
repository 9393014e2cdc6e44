package br.com.gorgen.backup.api;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupPins;
import br.com.gorgen.backup.catalog.MaintenanceLock;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.retention.BackupExpirer;
import br.com.gorgen.backup.retention.RetentionCatalog;
import br.com.gorgen.backup.retention.RetentionDecision;
import br.com.gorgen.backup.retention.RetentionPolicy;
import br.com.gorgen.backup.support.BackupHeaders;
import com.fasterxml.jackson.databind.JsonNode;
import br.com.gorgen.backup.storage.ObjectLockedException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code DELETE /api/backup/{id}} (role master) with {@code {"confirm":"<id>","reason":"..."}}: deletes one backup's
 * objects from both buckets and marks its history row {@code expired} (the row stays). Refused with 409 and the
 * reasons while a safety rule of the retention policy protects it (the newest full backup, a chain or the
 * point-in-time window needs it, the last backup failed with too few full backups, it is running); a backup kept only
 * by a calendar window can be deleted by hand. Only its own folder is touched ({@link BackupExpirer}); shared
 * documents contents are left to the clean-up.
 */
public class DeletionApi {
    private static final String PROP_ROW = "DeletionRow";
    private static final String PROP_REASON = "DeletionReason";

    private final BackupHistory history;
    private final RetentionPolicy policy;
    private final BackupExpirer expirer;
    private final Clock clock;
    private final BackupPins pins;
    private final MaintenanceLock maintenance;

    public DeletionApi(BackupHistory history, RetentionPolicy policy, BackupExpirer expirer, Clock clock, BackupPins pins,
            MaintenanceLock maintenance) {
        this.pins = pins;
        this.maintenance = maintenance;
        this.history = history;
        this.policy = policy;
        this.expirer = expirer;
        this.clock = clock;
    }

    /** Checks the request, the confirmation, the reason and the safety rules; nothing is changed yet. */
    public void check(Exchange exchange) throws ApiException {
        Message in = exchange.getIn();
        long id;
        try {
            id = Long.parseLong(in.getHeader("id", String.class));
        } catch (RuntimeException e) {
            throw ApiException.badRequest("the backup id must be a number");
        }
        BackupApi.requireJson(in);
        JsonNode body = ApiRequest.object(in.getBody(String.class),
                "{\"confirm\":\"" + id + "\",\"reason\":\"why this backup is deleted\"}", "confirm", "reason");
        if (!String.valueOf(id).equals(ApiRequest.text(body, "confirm", null))) {
            throw ApiException.badRequest("to delete backup " + id + ", send {\"confirm\":\"" + id
                    + "\",\"reason\":\"...\"}: confirm must repeat its id");
        }
        String reason = ApiRequest.text(body, "reason", "").strip();
        if (reason.isEmpty() || reason.length() > 500) {
            throw ApiException.badRequest("a reason (1 to 500 characters) is required to delete a backup");
        }
        Optional<BackupRecord> row;
        Map<Long, RetentionDecision> decisions;
        try {
            row = history.findById(id);
            decisions = policy.decide(RetentionCatalog.entries(history.unexpired()), clock.instant(), pins.owners());
        } catch (Exception e) {
            throw ApiException.catalogUnavailable("history", e);
        }
        BackupRecord r = row.orElseThrow(() -> new ApiException(404, "not_found", "no backup " + id));
        if ("expired".equals(r.status())) {
            throw new ApiException(409, "already_expired", "backup " + id + " was deleted already");
        }
        RetentionDecision d = decisions.get(id);
        if (d != null && !d.protections().isEmpty()) {
            throw new ApiException(409, "protected", "backup " + id + " is protected by the retention policy: "
                    + String.join("; ", d.protections()), Map.of("protectedBy", d.protections()));
        }
        if (!expirer.removable(r)) {
            throw new ApiException(409, "foreign_keys", "backup " + id + "'s objects are not in a folder of its own "
                    + "under the service's tenant prefix: nothing is deleted");
        }
        exchange.setProperty(PROP_ROW, r);
        exchange.setProperty(PROP_REASON, reason);
    }

    /** Deletes the folder in both buckets, marks the row expired, answers, and sets the audit headers. */
    public void delete(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        BackupRecord r = exchange.getProperty(PROP_ROW, BackupRecord.class);
        String reason = exchange.getProperty(PROP_REASON, String.class);
        String caller = in.getHeader(BackupHeaders.API_CALLER, String.class);
        BackupExpirer.Removed gone;
        Optional<MaintenanceLock.Held> held = maintenance.acquire("deletion of backup " + r.id(), Duration.ofSeconds(10));
        if (held.isEmpty()) {
            throw new ApiException(409, "maintenance_running", "the catalog is busy with "
                    + maintenance.holder().orElse("another maintenance (a clean-up or a rebuild)")
                    + ": nothing was deleted; try again in a minute");
        }
        try (MaintenanceLock.Held lock = held.get()) {
            gone = expirer.expire(r, "deleted by hand by " + caller + ": " + reason);
        } catch (ObjectLockedException e) {
            throw new ApiException(409, "object_locked", "backup " + r.id() + " cannot be deleted before "
                    + e.until() + ": " + e.getMessage() + "; nothing was deleted", Map.of("lockedUntil",
                            e.until().toString(), "bucket", e.bucket()));
        } catch (BackupExpirer.InUseException e) {
            throw new ApiException(409, "in_use", e.getMessage() + "; nothing was deleted");
        }
        String folder = gone.folder();
        Map<String, Integer> removed = gone.objects();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", r.id());
        body.put("type", r.type());
        body.put("status", "expired");
        body.put("folder", folder);
        body.put("objectsRemoved", removed);
        ApiResponder.respond(exchange, 200, body);
        in.setHeader("AuditAction", "backup.delete");
        in.setHeader("AuditTarget", "backup " + r.id());
        in.setHeader("AuditDetails", br.com.gorgen.backup.support.Json.write(Map.of("reason", reason,
                "folder", String.valueOf(folder), "objectsRemoved", removed)));
    }
}
