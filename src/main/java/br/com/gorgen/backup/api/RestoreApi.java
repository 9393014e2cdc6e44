package br.com.gorgen.backup.api;

import java.util.LinkedHashMap;
import java.util.Map;

import br.com.gorgen.backup.catalog.CatalogUnavailableException;
import br.com.gorgen.backup.restore.RestoreCoordinator;
import br.com.gorgen.backup.restore.RestoreDrill;
import br.com.gorgen.backup.restore.RestoreCoordinator.RestoreNotStartedException;
import br.com.gorgen.backup.restore.RestoreHeaders;
import br.com.gorgen.backup.restore.RestoreHistory;
import br.com.gorgen.backup.restore.RestoreRecord;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Request handling of the restore API. */
public class RestoreApi {
    private final RestoreCoordinator coordinator;
    private final RestoreHistory history;
    private final RestoreDrill drill;

    public RestoreApi(RestoreCoordinator coordinator, RestoreHistory history, RestoreDrill drill) {
        this.coordinator = coordinator;
        this.history = history;
        this.drill = drill;
    }

    /** POST /api/backup/drill: a disaster-recovery drill of the latest full backup now; 202 with the restore id. */
    public void startDrill(Exchange exchange) throws ApiException {
        Message in = exchange.getIn();
        in.setHeader(RestoreHeaders.REQUESTED_BY, "api:" + in.getHeader(BackupHeaders.API_CALLER, String.class));
        try {
            drill.prepare(exchange);
        } catch (RestoreNotStartedException e) {
            throw new ApiException(e.status(), "conflict", e.getMessage());
        } catch (CatalogUnavailableException e) {
            throw new ApiException(503, "catalog_unavailable", e.getMessage());
        }
        begin(exchange, "drill");
    }

    /** POST /api/backup/restore/{id} [{"target":"isolated"}]: checks, claims the slot, answers 202 with the restore id. */
    public void start(Exchange exchange) throws ApiException {
        Message in = exchange.getIn();
        long backupId = pathId(in.getHeader("id", String.class), "backup id");
        JsonNode request = ApiException.jsonObject(in.getBody(String.class), "{\"target\":\"isolated\"}");
        String target = parseTarget(request);
        if ("production".equals(target)) {
            JsonNode confirm = request.get("confirm");
            if (confirm == null || !confirm.asText().trim().equals(String.valueOf(backupId))) {
                throw ApiException.badRequest("restoring over production replaces its data: confirm with "
                        + "{\"target\":\"production\",\"confirm\":\"" + backupId + "\"} (the backup id again)");
            }
        }
        in.setHeader(RestoreHeaders.BACKUP_ID, backupId);
        in.setHeader(RestoreHeaders.KIND, target);
        in.setHeader(RestoreHeaders.REQUESTED_BY, "api:" + in.getHeader(BackupHeaders.API_CALLER, String.class));
        begin(exchange, target);
    }

    private void begin(Exchange exchange, String target) throws ApiException {
        Message in = exchange.getIn();
        long backupId = in.getHeader(RestoreHeaders.BACKUP_ID, Long.class);
        try {
            coordinator.begin(exchange);
        } catch (RestoreNotStartedException e) {
            Map<String, Object> extra = e.runningId() == null ? Map.of() : Map.of("runningId", e.runningId());
            throw new ApiException(e.status(), e.status() == 404 ? "not_found" : e.status() == 503 ? "unavailable" : "conflict",
                    e.getMessage(), extra);
        } catch (CatalogUnavailableException e) {
            throw new ApiException(503, "catalog_unavailable", e.getMessage());
        }
        long restoreId = in.getHeader(RestoreHeaders.RESTORE_ID, Long.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("restoreId", restoreId);
        body.put("backupId", backupId);
        body.put("target", target);
        body.put("database", in.getHeader(RestoreHeaders.TARGET_DATABASE, String.class));
        body.put("status", "running");
        body.put("statusUrl", "/api/backup/restore/" + restoreId);
        ApiResponder.respond(exchange, 202, body);
        in.setHeader("AuditAction", "drill".equals(target) ? "backup.drill" : "backup.restore");
        in.setHeader("AuditTarget", "backup:" + backupId);
        in.setHeader("AuditDetails", Json.write(Map.of("restoreId", restoreId, "target", target,
                "database", in.getHeader(RestoreHeaders.TARGET_DATABASE, String.class))));
    }

    /** GET /api/backup/restore/{restoreId}: progress and outcome, with the validation. */
    public void status(Exchange exchange) throws ApiException {
        long id = pathId(exchange.getIn().getHeader("id", String.class), "restore id");
        RestoreRecord r;
        try {
            r = history.findById(id).orElseThrow(() -> new ApiException(404, "not_found", "restore " + id + " does not exist"));
        } catch (java.sql.SQLException e) {
            throw new ApiException(503, "catalog_unavailable", "restore history unavailable: " + ErrorMessages.describe(e));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("restoreId", r.id());
        body.put("backupId", r.backupId());
        body.put("target", r.kind());
        body.put("database", r.targetDatabase());
        body.put("status", r.status());
        body.put("sourceBucket", r.sourceBucket());
        body.put("startedAt", r.startedAt().toString());
        body.put("completedAt", r.completedAt() == null ? null : r.completedAt().toString());
        body.put("requestedBy", r.requestedBy());
        body.put("errorMessage", r.errorMessage());
        body.put("rtoSeconds", r.rtoSeconds());
        body.put("rpoSeconds", r.rpoSeconds());
        try {
            body.put("validation", r.validation() == null ? null : Json.mapper().readTree(r.validation()));
        } catch (Exception e) {
            body.put("validation", r.validation());
        }
        ApiResponder.respond(exchange, 200, body);
    }

    static long pathId(String raw, String what) throws ApiException {
        try {
            long id = Long.parseLong(raw == null ? "" : raw.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.badRequest(what + " must be a positive whole number, got '" + raw + "'");
    }

    static String parseTarget(JsonNode request) throws ApiException {
        JsonNode target = request.get("target");
        if (target == null) {
            return "isolated";
        }
        if (!target.isTextual() || !(target.asText().equals("isolated") || target.asText().equals("production"))) {
            throw ApiException.badRequest("target must be 'isolated' or 'production'");
        }
        return target.asText();
    }
}
