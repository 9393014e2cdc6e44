package br.com.gorgen.backup.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import br.com.gorgen.backup.catalog.AuditTrail;
import br.com.gorgen.backup.catalog.BackupAlreadyRunningException;
import br.com.gorgen.backup.catalog.BackupCoordinator;
import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.catalog.CatalogUnavailableException;
import br.com.gorgen.backup.catalog.HistoryFilter;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.ErrorMessages;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import br.com.gorgen.backup.binlog.IncrementalBackup;
import br.com.gorgen.backup.pitr.PointInTimeRecovery;

/** The backup API's request handling: parse and validate input, call the catalog, shape the JSON answers. */
public class BackupApi {
    static final List<String> TRIGGERABLE = List.of("full", "incremental", "transactional", "documents-full",
            "documents-incremental");

    private final BackupCoordinator coordinator;
    private final BackupHistory history;
    private final ScheduleInspector schedules;
    private final AuditTrail audit;
    private final IncrementalBackup incremental;
    private final PointInTimeRecovery pitr;

    public BackupApi(BackupCoordinator coordinator, BackupHistory history, ScheduleInspector schedules, AuditTrail audit,
            IncrementalBackup incremental, PointInTimeRecovery pitr) {
        this.pitr = pitr;
        this.incremental = incremental;
        this.coordinator = coordinator;
        this.history = history;
        this.schedules = schedules;
        this.audit = audit;
    }

    /** GET /api/backup/audit?limit= (master): who did what, newest first. */
    public void audit(Exchange exchange) throws ApiException {
        int limit = parseLimit(exchange.getIn().getHeader("limit", String.class), 100);
        try {
            ApiResponder.respond(exchange, 200, Map.of("entries", audit.latest(limit)));
        } catch (Exception e) {
            throw ApiException.catalogUnavailable("audit log", e);
        }
    }

    static int parseLimit(String limit, int dflt) throws ApiException {
        if (limit == null || limit.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(limit.trim());
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.badRequest("limit must be a whole number between 1 and 1000");
    }

    /** POST /api/backup/trigger {"type":"full"}: claims the run slot and answers 202 with the new id. */
    public void trigger(Exchange exchange) throws ApiException {
        Message in = exchange.getIn();
        requireJson(in);
        String type = parseTriggerType(in.getBody(String.class));
        in.setHeader(BackupHeaders.BACKUP_TYPE, type);
        in.setHeader(BackupHeaders.REQUESTED_BY, "api:" + in.getHeader(BackupHeaders.API_CALLER, String.class));
        if ("transactional".equals(type)) {
            // shipping records one transactional backup per binary-log file it ships
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", type);
            body.put("status", "shipping");
            body.put("statusUrl", "/api/backup/history?type=transactional");
            ApiResponder.respond(exchange, 202, body);
            in.setHeader("AuditAction", "backup.trigger");
            in.setHeader("AuditTarget", "binlog");
            in.setHeader("AuditDetails", "{\"type\":\"transactional\"}");
            return;
        }
        try {
            if ("incremental".equals(type)) {
                incremental.decideType(exchange);
                type = in.getHeader(BackupHeaders.BACKUP_TYPE, String.class);
            }
            coordinator.begin(exchange);
        } catch (BackupAlreadyRunningException e) {
            if (e.runningId() == BackupCoordinator.CLEANUP_HOLD) {
                throw new ApiException(409, "cleanup_running", e.getMessage());
            }
            throw new ApiException(409, "backup_running", "a backup of this kind is already running",
                    Map.of("runningId", e.runningId()));
        } catch (CatalogUnavailableException e) {
            throw new ApiException(503, "catalog_unavailable", e.getMessage());
        } catch (Exception e) {
            throw new ApiException(500, "start_failed", "the backup could not start: " + ErrorMessages.describe(e));
        }
        long id = in.getHeader(BackupHeaders.BACKUP_ID, Long.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("type", type);
        body.put("status", "running");
        body.put("statusUrl", "/api/backup/history?limit=1");
        ApiResponder.respond(exchange, 202, body);
        in.setHeader("AuditAction", "backup.trigger");
        in.setHeader("AuditTarget", "backup:" + id);
        in.setHeader("AuditDetails", "{\"type\":\"" + type + "\"}");
    }

    static void requireJson(Message in) throws ApiException {
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase().contains("json")) {
            throw new ApiException(415, "unsupported_media_type", "send the request body as JSON with 'Content-Type: application/json'");
        }
    }

    static String parseTriggerType(String body) throws ApiException {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("request body must be JSON like {\"type\":\"full\"}");
        }
        String type = ApiRequest.text(ApiRequest.object(body, "{\"type\":\"full\"}", "type"), "type", null);
        if (type == null) {
            throw ApiException.badRequest("field 'type' is required (one of " + TRIGGERABLE + ")");
        }
        if (!TRIGGERABLE.contains(type)) {
            throw ApiException.badRequest("type '" + type + "' cannot be triggered (supported: " + TRIGGERABLE + ")");
        }
        return type;
    }

    /** GET /api/backup/history?status=&type=&limit= (newest first). */
    public void history(Exchange exchange) throws ApiException {
        Message in = exchange.getIn();
        HistoryFilter filter;
        int limit = parseLimit(in.getHeader("limit", String.class), 50);
        try {
            filter = new HistoryFilter(blankToNull(in.getHeader("status", String.class)),
                    blankToNull(in.getHeader("type", String.class)), limit);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (BackupRecord r : history.find(filter)) {
                rows.add(view(r));
            }
            ApiResponder.respond(exchange, 200, Map.of("backups", rows));
        } catch (Exception e) {
            throw ApiException.catalogUnavailable("history", e);
        }
    }

    /** GET /api/backup/status: running backup, last success, last failure, next scheduled runs. */
    public void status(Exchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("running", coordinator.runningId().filter(id -> id > 0).orElse(null));
        body.put("runningDocuments", coordinator.runningDocumentsId().orElse(null));
        try {
            body.put("lastSuccess", last("success").orElse(null));
            body.put("lastFailure", last("failed").orElse(null));
            body.put("catalog", "available");
        } catch (Exception e) {
            body.put("catalog", "unavailable: " + ErrorMessages.describe(e));
        }
        try {
            body.put("pointInTimeRecovery", pitr.status());
        } catch (Exception e) {
            body.put("pointInTimeRecovery", Map.of("available", false, "reason", "catalog unavailable: "
                    + ErrorMessages.describe(e)));
        }
        body.put("binlogShipping", pitr.shipping());
        Object restoreServer = exchange.getContext().getRegistry().lookupByName("restoreServerStatus");
        if (restoreServer != null) {
            body.put("restoreServer", restoreServer);
        }
        body.put("schedules", schedules.nextRuns());
        ApiResponder.respond(exchange, 200, body);
    }

    private Optional<Map<String, Object>> last(String status) throws Exception {
        return history.find(new HistoryFilter(status, null, 1)).stream().findFirst().map(BackupApi::view);
    }

    static Map<String, Object> view(BackupRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("tenantId", r.tenantId());
        m.put("type", r.type());
        m.put("status", r.status());
        m.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
        m.put("completedAt", r.completedAt() == null ? null : r.completedAt().toString());
        m.put("filePath", r.filePath());
        m.put("manifestPath", r.manifestPath());
        m.put("fileSizeBytes", r.fileSizeBytes());
        m.put("checksumSha256", r.checksumSha256());
        m.put("errorMessage", r.errorMessage());
        m.put("createdBy", r.createdBy());
        m.put("binlogFile", r.binlogFile());
        m.put("binlogPosition", r.binlogPosition());
        BackupRecord.Coverage c = r.coverage();
        if (c != null && c.sourceId() != null) {
            m.put("sourceId", c.sourceId());
            m.put("snapshotAt", c.snapshotAt() == null ? null : c.snapshotAt().toString());
            m.put("firstEventAt", c.firstEventAt() == null ? null : c.firstEventAt().toString());
            m.put("lastEventAt", c.lastEventAt() == null ? null : c.lastEventAt().toString());
            m.put("startBinlogFile", c.startBinlogFile());
            m.put("startBinlogPosition", c.startBinlogPosition());
            m.put("parentId", c.parentId());
        }
        if (c != null && c.notes() != null) {
            m.put("notes", c.notes());
        }
        return m;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
