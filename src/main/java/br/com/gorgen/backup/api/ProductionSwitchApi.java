package br.com.gorgen.backup.api;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import br.com.gorgen.backup.restore.ProductionSwitch;
import br.com.gorgen.backup.restore.RestoreCoordinator;
import br.com.gorgen.backup.restore.SwitchJournal;
import br.com.gorgen.backup.support.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What an operator decides after a restore over production: {@code POST /api/backup/restore/{id}/confirm} (it is
 * right: the previous tables kept aside are dropped now) or {@code POST /api/backup/restore/{id}/rollback} with
 * {@code {"confirm":"<id>"}} (it was wrong: production goes back to its previous tables and objects; the restored
 * tables, with whatever was written to them since, are kept in the staging schema). Both role master, audited.
 */
public class ProductionSwitchApi {
    private final ProductionSwitch productionSwitch;
    private final RestoreCoordinator restores;

    public ProductionSwitchApi(ProductionSwitch productionSwitch, RestoreCoordinator restores) {
        this.productionSwitch = productionSwitch;
        this.restores = restores;
    }

    public void confirm(Exchange exchange) throws ApiException {
        long id = RestoreApi.pathId(exchange.getIn().getHeader("id", String.class), "restore id");
        SwitchJournal.Entry e = finishedSwitch(id);
        try {
            productionSwitch.confirm(id);
        } catch (SQLException x) {
            throw ApiException.catalogUnavailable("production or catalog database", x);
        }
        answer(exchange, id, "confirmed", "backup.restore.confirm", Map.of("droppedSchema", e.previous()),
                "the previous production tables in " + e.previous() + " were dropped");
    }

    public void rollback(Exchange exchange) throws ApiException {
        Message in = exchange.getIn();
        long id = RestoreApi.pathId(in.getHeader("id", String.class), "restore id");
        JsonNode body = ApiRequest.object(in.getBody(String.class), "{\"confirm\":\"" + id + "\"}", "confirm");
        if (!String.valueOf(id).equals(ApiRequest.text(body, "confirm", ""))) {
            throw ApiException.badRequest("rolling production back replaces its current data with the tables kept before "
                    + "restore " + id + ": confirm with {\"confirm\":\"" + id + "\"}");
        }
        SwitchJournal.Entry e = finishedSwitch(id);
        if (restores.runningId().isPresent()) {
            throw new ApiException(409, "conflict", "a restore is running: roll back once it ended",
                    Map.of("runningId", restores.runningId().get()));
        }
        String state;
        try {
            state = productionSwitch.rollBack(id, "rolled back by " + in.getHeader("ApiCaller"));
        } catch (SQLException x) {
            throw new ApiException(500, "rollback_failed", "production could not be rolled back: " + x.getMessage()
                    + "; the previous tables are still in " + e.previous());
        }
        answer(exchange, id, "rolled-back", "backup.restore.rollback", Map.of("restoredTablesKeptIn", e.staging()), state);
    }

    private SwitchJournal.Entry finishedSwitch(long id) throws ApiException {
        SwitchJournal.Entry e;
        try {
            e = productionSwitch.journal().find(id).orElseThrow(() -> new ApiException(404, "not_found",
                    "restore " + id + " did not switch production"));
        } catch (SQLException x) {
            throw ApiException.catalogUnavailable("switch journal", x);
        }
        if (e.phase() != SwitchJournal.Phase.DONE) {
            throw new ApiException(409, "not_kept", "restore " + id + "'s switch of production is '" + e.phase()
                    .name().toLowerCase().replace('_', '-') + "': there are no previous tables kept to decide on");
        }
        return e;
    }

    private static void answer(Exchange exchange, long id, String status, String action, Map<String, Object> extra,
            String what) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("restoreId", id);
        body.put("switch", status);
        body.putAll(extra);
        body.put("result", what);
        ApiResponder.respond(exchange, 200, body);
        Message in = exchange.getIn();
        in.setHeader("AuditAction", action);
        in.setHeader("AuditTarget", "restore:" + id);
        in.setHeader("AuditDetails", Json.write(body));
    }
}
