package br.com.gorgen.backup.api;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import br.com.gorgen.backup.restore.RestoreHistory;
import br.com.gorgen.backup.restore.RestoreLeftovers;
import br.com.gorgen.backup.restore.RestoreRecord;
import br.com.gorgen.backup.support.Json;
import org.apache.camel.Exchange;

/**
 * {@code DELETE /api/backup/restore/{id}/database} (role master, audited): drops a finished restore's database now,
 * instead of at the clean-up after {@code backup.restore.isolated.keep.hours}. Only a database this service restored
 * into (its prefix), never production, never a running restore's.
 */
public class RestoreDatabaseApi {
    private final RestoreHistory history;
    private final RestoreLeftovers leftovers;

    public RestoreDatabaseApi(RestoreHistory history, RestoreLeftovers leftovers) {
        this.history = history;
        this.leftovers = leftovers;
    }

    public void drop(Exchange exchange) throws ApiException {
        long id = RestoreApi.pathId(exchange.getIn().getHeader("id", String.class), "restore id");
        ApiRequest.object(exchange.getIn().getBody(String.class), "{} (or no body)");
        RestoreRecord r;
        try {
            r = history.findById(id).orElseThrow(() -> new ApiException(404, "not_found", "restore " + id
                    + " does not exist"));
            if ("running".equals(r.status())) {
                throw new ApiException(409, "running", "restore " + id + " is running: its database is in use");
            }
            if (r.kind().startsWith("documents")) {
                throw new ApiException(409, "no_database", "restore " + id + " restored documents into a bucket, not a "
                        + "database");
            }
            if (!leftovers.mine(r.targetDatabase())) {
                throw new ApiException(409, "not_a_restore_database", "restore " + id + "'s target "
                        + r.targetDatabase() + " is not a database of the restore prefix: it is never dropped here");
            }
            if (history.databaseDroppedAt(id).isPresent()) {
                throw new ApiException(409, "already_dropped", "restore " + id + "'s database " + r.targetDatabase()
                        + " was dropped already");
            }
            leftovers.drop(id, r.targetDatabase());
        } catch (SQLException e) {
            throw ApiException.catalogUnavailable("restore database", e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("restoreId", id);
        body.put("database", r.targetDatabase());
        body.put("dropped", true);
        ApiResponder.respond(exchange, 200, body);
        exchange.getIn().setHeader("AuditAction", "backup.restore.database.drop");
        exchange.getIn().setHeader("AuditTarget", "restore:" + id);
        exchange.getIn().setHeader("AuditDetails", Json.write(body));
    }
}
