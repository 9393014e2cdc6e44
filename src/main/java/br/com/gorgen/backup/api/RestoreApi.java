package br.com.gorgen.backup.api;

import java.util.LinkedHashMap;
import java.util.Map;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import br.com.gorgen.backup.catalog.CatalogUnavailableException;
import br.com.gorgen.backup.pitr.PointInTimeRecovery;
import br.com.gorgen.backup.pitr.RecoveryWindow;
import br.com.gorgen.backup.restore.RestoreCoordinator;
import br.com.gorgen.backup.restore.RestoreDrill;
import br.com.gorgen.backup.restore.RestoreCoordinator.RestoreNotStartedException;
import br.com.gorgen.backup.restore.RestoreHeaders;
import br.com.gorgen.backup.restore.RestoreHistory;
import br.com.gorgen.backup.restore.RestoreRecord;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Request handling of the restore API. */
public class RestoreApi {
    private final RestoreCoordinator coordinator;
    private final RestoreHistory history;
    private final RestoreDrill drill;
    private final PointInTimeRecovery pitr;
    private final br.com.gorgen.backup.documents.DocumentsRestore documents;
    private final String documentsBucket;
    private final String documentsPrefix;

    public RestoreApi(RestoreCoordinator coordinator, RestoreHistory history, RestoreDrill drill, PointInTimeRecovery pitr,
            br.com.gorgen.backup.documents.DocumentsRestore documents, String documentsBucket, String documentsPrefix) {
        this.pitr = pitr;
        this.documents = documents;
        this.documentsBucket = documentsBucket;
        this.documentsPrefix = documentsPrefix == null ? "" : documentsPrefix;
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
        in.setHeader(RestoreHeaders.REQUESTED_BY, "api:" + in.getHeader(BackupHeaders.API_CALLER, String.class));
        if (documentsRestore(exchange, backupId, target, request) || chainedRestore(exchange, backupId, target)) {
            return;
        }
        in.setHeader(RestoreHeaders.BACKUP_ID, backupId);
        in.setHeader(RestoreHeaders.KIND, target);
        begin(exchange, target);
    }

    /**
     * A documents backup restores its snapshot into a bucket and prefix: by default the documents bucket under
     * {@code restore-<backup id>-<time>/} ("targetPrefix" and "targetBucket" choose another); over the production
     * prefix with "target":"production" (confirmed), where "deleteNotInSnapshot":true also removes what the snapshot
     * does not list; "key" restores one document.
     */
    private boolean documentsRestore(Exchange exchange, long backupId, String target, JsonNode request) throws ApiException {
        Message in = exchange.getIn();
        try {
            var backup = pitr.backup(backupId);
            if (backup.isEmpty() || !backup.get().type().startsWith("documents")) {
                return false;
            }
        } catch (java.sql.SQLException e) {
            throw ApiException.catalogUnavailable("catalog", e);
        }
        if (!documents.available()) {
            throw new ApiException(409, "documents_not_configured", "DOCUMENTS_S3_BUCKET is not configured on this "
                    + "server: there is no bucket to restore documents into");
        }
        boolean production = "production".equals(target);
        String bucket = text(request, "targetBucket", documentsBucket);
        String prefix = text(request, "targetPrefix", production ? documentsPrefix : "restore-" + backupId + "-{stamp}/");
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw ApiException.badRequest("targetBucket must be an S3 bucket name");
        }
        if (prefix.contains("..") || prefix.startsWith("/") || (!prefix.isEmpty() && !prefix.endsWith("/"))) {
            throw ApiException.badRequest("targetPrefix must be a folder like 'restore/2026-01-13/' (ending in '/')");
        }
        JsonNode key = request.get("key");
        JsonNode deleteOthers = request.get("deleteNotInSnapshot");
        if (deleteOthers != null && (!deleteOthers.isBoolean() || (deleteOthers.asBoolean() && !production))) {
            throw ApiException.badRequest("deleteNotInSnapshot is true or false, and only for \"target\":\"production\"");
        }
        exchange.setProperty(br.com.gorgen.backup.documents.DocumentsRestore.PROP_TARGET,
                new br.com.gorgen.backup.documents.DocumentsRestore.Target(bucket, prefix, production,
                        deleteOthers != null && deleteOthers.asBoolean(), key == null ? null : key.asText()));
        exchange.setProperty(RestoreCoordinator.TARGET_PROPERTY, bucket + "/" + prefix);
        in.setHeader(RestoreHeaders.BACKUP_ID, backupId);
        in.setHeader(RestoreHeaders.KIND, production ? "documents-production" : "documents");
        begin(exchange, production ? "documents-production" : "documents");
        // the prefix with its time stamp, as the coordinator fixed it
        String fixed = in.getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        exchange.setProperty(br.com.gorgen.backup.documents.DocumentsRestore.PROP_TARGET,
                new br.com.gorgen.backup.documents.DocumentsRestore.Target(bucket, fixed.substring(bucket.length() + 1),
                        production, deleteOthers != null && deleteOthers.asBoolean(), key == null ? null : key.asText()));
        return true;
    }

    private static String text(JsonNode request, String field, String dflt) throws ApiException {
        JsonNode n = request.get(field);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(field + " must be text");
        }
        return n.asText().strip();
    }

    /**
     * An incremental backup restores as its full backup plus its chain of incrementals replayed (the point-in-time
     * path); a transactional backup (one binary-log file) is no restore point of its own.
     */
    private boolean chainedRestore(Exchange exchange, long backupId, String target) throws ApiException {
        Message in = exchange.getIn();
        try {
            var backup = pitr.backup(backupId);
            if (backup.isEmpty() || backup.get().type().equals("full")) {
                return false;
            }
            if (backup.get().type().equals("transactional")) {
                throw new ApiException(422, "not_a_restore_point", "backup " + backupId + " is one shipped binary-log file, "
                        + "not a restore point: recover to a moment with POST /api/backup/restore/pitr {\"pointInTime\":...}",
                        Map.of("windows", pitr.coveredIntervals()));
            }
            if (!"success".equals(backup.get().status())) {
                return false; // refused by the coordinator with the usual message
            }
            RecoveryWindow.Plan plan = pitr.planForIncremental(backupId).orElseThrow(() -> new ApiException(422,
                    "chain_broken", "incremental backup " + backupId + " cannot be restored: its full backup or an "
                    + "incremental before it is missing or failed"));
            exchange.setProperty(PointInTimeRecovery.PROP_PLAN, plan);
            in.setHeader(RestoreHeaders.BACKUP_ID, plan.full().id());
            in.setHeader(RestoreHeaders.KIND, "production".equals(target) ? "pitr-production" : "pitr");
            in.setHeader(RestoreHeaders.POINT_IN_TIME, "incremental #" + backupId);
            in.setHeader(RestoreHeaders.DATA_AS_OF, backup.get().coverage().lastEventAt());
            begin(exchange, "production".equals(target) ? "pitr-production" : "pitr");
            return true;
        } catch (java.sql.SQLException e) {
            throw ApiException.catalogUnavailable("catalog", e);
        }
    }

    /**
     * POST /api/backup/restore/pitr {"pointInTime":"2026-01-13T10:00:00-03:00"|"latest"} or
     * {"binlogFile":"binlog.000042","binlogPosition":1234}, optional "target" (isolated or production, the latter with
     * "confirm" repeating the point). A point outside the recoverable window is refused with 422 and the window.
     */
    public void startPitr(Exchange exchange) throws ApiException {
        Message in = exchange.getIn();
        String example = "{\"pointInTime\":\"2026-01-13T10:00:00-03:00\"}";
        JsonNode request = ApiException.jsonObject(in.getBody(String.class), example);
        String target = parseTarget(request);
        JsonNode point = request.get("pointInTime");
        JsonNode file = request.get("binlogFile");
        JsonNode position = request.get("binlogPosition");
        String asked;
        Optional<RecoveryWindow.Plan> plan;
        Instant asOf;
        try {
            if (point != null && (file != null || position != null)) {
                throw ApiException.badRequest("give either pointInTime or binlogFile + binlogPosition, not both");
            } else if (point != null) {
                if (!point.isTextual()) {
                    throw ApiException.badRequest("pointInTime must be text like " + example + " or \"latest\"");
                }
                asked = point.asText().trim();
                if (asked.equals("latest")) {
                    plan = pitr.planLatest();
                    asOf = plan.map(p -> p.files().get(p.files().size() - 1).coverage().lastEventAt()).orElse(null);
                } else {
                    asOf = parseInstant(asked);
                    if (asOf.isAfter(Instant.now())) {
                        throw new ApiException(422, "in_the_future", "pointInTime " + asked + " is in the future",
                                Map.of("windows", pitr.coveredIntervals()));
                    }
                    plan = pitr.planFor(asOf);
                }
            } else if (file != null && position != null) {
                if (!file.isTextual() || !file.asText().matches("[A-Za-z0-9_.-]{1,200}\\.[0-9]{1,10}")) {
                    throw ApiException.badRequest("binlogFile must be a binary-log file name like binlog.000042");
                }
                if (!position.canConvertToLong() || position.asLong() < 4) {
                    throw ApiException.badRequest("binlogPosition must be a whole number of at least 4");
                }
                asked = file.asText() + ":" + position.asLong();
                plan = pitr.planForPosition(file.asText(), position.asLong());
                asOf = plan.map(p -> p.files().get(p.files().size() - 1).coverage().firstEventAt()).orElse(null);
            } else {
                throw ApiException.badRequest("give pointInTime (ISO-8601 with offset, or \"latest\") or binlogFile + "
                        + "binlogPosition, e.g. " + example);
            }
            if (plan.isEmpty()) {
                throw new ApiException(422, "outside_window", "point " + asked + " is not covered by any full backup "
                        + "followed by shipped binary logs; the recoverable windows are listed",
                        Map.of("windows", pitr.coveredIntervals()));
            }
        } catch (java.sql.SQLException e) {
            throw ApiException.catalogUnavailable("catalog", e);
        }
        if ("production".equals(target)) {
            JsonNode confirm = request.get("confirm");
            if (confirm == null || !confirm.asText().trim().equals(asked)) {
                throw ApiException.badRequest("recovering production to a point in time replaces its data: confirm with "
                        + "\"confirm\":\"" + asked + "\" (the point again)");
            }
        }
        exchange.setProperty(PointInTimeRecovery.PROP_PLAN, plan.get());
        in.setHeader(RestoreHeaders.BACKUP_ID, plan.get().full().id());
        in.setHeader(RestoreHeaders.KIND, "production".equals(target) ? "pitr-production" : "pitr");
        in.setHeader(RestoreHeaders.POINT_IN_TIME, asked);
        in.setHeader(RestoreHeaders.DATA_AS_OF, asOf);
        in.setHeader(RestoreHeaders.REQUESTED_BY, "api:" + in.getHeader(BackupHeaders.API_CALLER, String.class));
        begin(exchange, "production".equals(target) ? "pitr-production" : "pitr");
        in.setHeader("AuditDetails", Json.write(Map.of("restoreId", in.getHeader(RestoreHeaders.RESTORE_ID),
                "target", target, "pointInTime", asked, "fullBackupId", plan.get().full().id(),
                "binlogFiles", plan.get().files().size())));
    }

    static Instant parseInstant(String text) throws ApiException {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("pointInTime '" + text + "' is not an ISO-8601 date-time with offset, like "
                    + "2026-01-13T10:00:00-03:00 or 2026-01-13T13:00:00Z");
        }
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
        if (in.getHeader(RestoreHeaders.POINT_IN_TIME) != null) {
            RecoveryWindow.Plan plan = exchange.getProperty(PointInTimeRecovery.PROP_PLAN, RecoveryWindow.Plan.class);
            body.put("pointInTime", in.getHeader(RestoreHeaders.POINT_IN_TIME, String.class));
            body.put("binlogFiles", plan.files().size());
        }
        body.put("status", "running");
        body.put("statusUrl", "/api/backup/restore/" + restoreId);
        ApiResponder.respond(exchange, 202, body);
        in.setHeader("AuditAction", "drill".equals(target) ? "backup.drill"
                : target.startsWith("pitr") ? "backup.restore.pitr" : "backup.restore");
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
            throw ApiException.catalogUnavailable("restore history", e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("restoreId", r.id());
        body.put("backupId", r.backupId());
        body.put("target", r.kind());
        body.put("database", r.targetDatabase());
        if (r.pointInTime() != null) {
            body.put("pointInTime", r.pointInTime());
        }
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
