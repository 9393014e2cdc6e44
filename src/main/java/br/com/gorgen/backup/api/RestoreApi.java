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
    private final java.util.Set<String> backupBuckets;

    /** @param backupBuckets the names of both backup buckets (documents are never restored into them) */
    public RestoreApi(RestoreCoordinator coordinator, RestoreHistory history, RestoreDrill drill, PointInTimeRecovery pitr,
            br.com.gorgen.backup.documents.DocumentsRestore documents, String documentsBucket, String documentsPrefix,
            java.util.Set<String> backupBuckets) {
        this.backupBuckets = backupBuckets;
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
        ApiRequest.object(in.getBody(String.class), "{}");
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
        JsonNode request = ApiRequest.object(in.getBody(String.class), "{\"target\":\"isolated\"}", "target",
                "confirm", "readOnly", "targetBucket", "targetPrefix", "key", "deleteNotInSnapshot", "keepHours");
        String target = parseTarget(request);
        readOnly(exchange, request, target);
        if ("production".equals(target)) {
            String confirm = ApiRequest.text(request, "confirm", null);
            if (confirm == null || !confirm.trim().equals(String.valueOf(backupId))) {
                throw ApiException.badRequest("restoring over production replaces its data: confirm with "
                        + "{\"target\":\"production\",\"confirm\":\"" + backupId + "\"} (the backup id again)");
            }
        }
        in.setHeader(RestoreHeaders.REQUESTED_BY, "api:" + in.getHeader(BackupHeaders.API_CALLER, String.class));
        if (documentsRestore(exchange, backupId, target, request) || chainedRestore(exchange, backupId, target)) {
            return;
        }
        Long keepHours = ApiRequest.wholeNumber(request, "keepHours", null);
        if (keepHours != null && (!"isolated".equals(target) || keepHours < 1 || keepHours > 24L * 366)) {
            throw field("keepHours", "keepHours (1 to 8784) keeps an isolated restore's database that long instead of "
                    + "the configured time; only for \"target\":\"isolated\"");
        }
        in.setHeader(RestoreHeaders.BACKUP_ID, backupId);
        in.setHeader(RestoreHeaders.KIND, target);
        begin(exchange, target);
        if (keepHours != null) {
            try {
                history.keepDatabaseUntil(in.getHeader(RestoreHeaders.RESTORE_ID, Long.class), in.getHeader(
                        RestoreHeaders.STARTED_AT, Instant.class).plus(java.time.Duration.ofHours(keepHours)));
            } catch (java.sql.SQLException e) {
                throw ApiException.catalogUnavailable("restore history", e);
            }
        }
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
            throw field("targetBucket", "targetBucket must be an S3 bucket name");
        }
        if (backupBuckets.contains(bucket)) {
            throw field("targetBucket", "targetBucket " + bucket + " is a backup bucket: documents are never restored "
                    + "into the buckets that hold the backups");
        }
        if (prefix.contains("..") || prefix.startsWith("/") || prefix.contains("//")
                || (!prefix.isEmpty() && !prefix.endsWith("/"))) {
            throw field("targetPrefix", "targetPrefix must be a folder like 'restore/2026-01-13/' (ending in '/')");
        }
        if (!production && bucket.equals(documentsBucket)
                && (prefix.isEmpty() || prefix.equals(documentsPrefix)
                        || (!documentsPrefix.isEmpty() && prefix.startsWith(documentsPrefix)))) {
            throw field("targetPrefix", "targetPrefix '" + prefix + "' is the application's live documents"
                    + (documentsPrefix.isEmpty() ? " bucket" : " prefix " + documentsPrefix) + ": only "
                    + "\"target\":\"production\" (confirmed) restores there; choose a folder of its own");
        }
        String key = ApiRequest.text(request, "key", null);
        boolean deleteOthers = ApiRequest.bool(request, "deleteNotInSnapshot", false);
        if (deleteOthers && !production) {
            throw new ApiException(400, "bad_request", "deleteNotInSnapshot is only for \"target\":\"production\"",
                    Map.of("field", "deleteNotInSnapshot"));
        }
        exchange.setProperty(br.com.gorgen.backup.documents.DocumentsRestore.PROP_TARGET,
                new br.com.gorgen.backup.documents.DocumentsRestore.Target(bucket, prefix, production, deleteOthers, key));
        exchange.setProperty(RestoreCoordinator.TARGET_PROPERTY, bucket + "/" + prefix);
        in.setHeader(RestoreHeaders.BACKUP_ID, backupId);
        in.setHeader(RestoreHeaders.KIND, production ? "documents-production" : "documents");
        begin(exchange, production ? "documents-production" : "documents");
        // the prefix with its time stamp, as the coordinator fixed it
        String fixed = in.getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        exchange.setProperty(br.com.gorgen.backup.documents.DocumentsRestore.PROP_TARGET,
                new br.com.gorgen.backup.documents.DocumentsRestore.Target(bucket, fixed.substring(bucket.length() + 1),
                        production, deleteOthers, key));
        return true;
    }

    private static String text(JsonNode request, String field, String dflt) throws ApiException {
        String v = ApiRequest.text(request, field, null);
        return v == null ? dflt : v.strip();
    }

    /**
     * {@code "readOnly"} (production only, true by default): whether the server refuses the application's writes
     * for the switch. Property {@link RestoreHeaders#PROP_READ_ONLY}.
     */
    private static void readOnly(Exchange exchange, JsonNode request, String target) throws ApiException {
        Boolean readOnly = ApiRequest.bool(request, "readOnly", null);
        if (readOnly != null && !"production".equals(target)) {
            throw new ApiException(400, "bad_request", "readOnly is only for \"target\":\"production\"",
                    Map.of("field", "readOnly"));
        }
        exchange.setProperty(RestoreHeaders.PROP_READ_ONLY, readOnly == null || readOnly);
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
            exchange.setProperty(RestoreHeaders.PROP_BACKUPS_READ, backupsRead(plan));
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
        JsonNode request = ApiRequest.object(in.getBody(String.class), example, "pointInTime", "binlogFile",
                "binlogPosition", "target", "confirm", "readOnly");
        String target = parseTarget(request);
        readOnly(exchange, request, target);
        String point = ApiRequest.text(request, "pointInTime", null);
        String file = ApiRequest.text(request, "binlogFile", null);
        Long position = ApiRequest.wholeNumber(request, "binlogPosition", null);
        String asked;
        Optional<RecoveryWindow.Plan> plan;
        Instant asOf;
        try {
            if (point != null && (file != null || position != null)) {
                throw ApiException.badRequest("give either pointInTime or binlogFile + binlogPosition, not both");
            } else if (point != null) {
                asked = point.trim();
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
                if (!file.matches("[A-Za-z0-9_.-]{1,200}\\.[0-9]{1,10}")) {
                    throw new ApiException(400, "bad_request", "binlogFile must be a binary-log file name like "
                            + "binlog.000042", Map.of("field", "binlogFile"));
                }
                if (position < 4) {
                    throw new ApiException(400, "bad_request", "binlogPosition must be a whole number of at least 4",
                            Map.of("field", "binlogPosition"));
                }
                asked = file + ":" + position;
                plan = pitr.planForPosition(file, position);
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
            String confirm = ApiRequest.text(request, "confirm", null);
            if (confirm == null || !confirm.trim().equals(asked)) {
                throw ApiException.badRequest("recovering production to a point in time replaces its data: confirm with "
                        + "\"confirm\":\"" + asked + "\" (the point again)");
            }
        }
        exchange.setProperty(PointInTimeRecovery.PROP_PLAN, plan.get());
        exchange.setProperty(RestoreHeaders.PROP_BACKUPS_READ, backupsRead(plan.get()));
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

    /** Everything a plan reads: its full backup, then every incremental and binary log replayed over it. */
    static java.util.List<Long> backupsRead(RecoveryWindow.Plan plan) {
        java.util.List<Long> ids = new java.util.ArrayList<>();
        ids.add(plan.full().id());
        plan.files().forEach(f -> ids.add(f.id()));
        return ids;
    }

    private static ApiException field(String field, String reason) {
        return new ApiException(400, "bad_request", reason, Map.of("field", field));
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
        String target = ApiRequest.text(request, "target", "isolated");
        if (!(target.equals("isolated") || target.equals("production"))) {
            throw new ApiException(400, "bad_request", "target must be 'isolated' or 'production'",
                    Map.of("field", "target"));
        }
        return target;
    }
}
