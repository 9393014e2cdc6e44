package br.com.gorgen.backup.api;

import java.sql.SQLException;

import br.com.gorgen.backup.catalog.CatalogRebuilder;
import br.com.gorgen.backup.support.ErrorMessages;
import org.apache.camel.Exchange;

/**
 * {@code POST /api/backup/catalog/rebuild} (role master): rebuilds the history from the manifests in the buckets and
 * answers the report (503 when neither bucket can be listed or the catalog database cannot be written); sets the
 * audit headers.
 */
public class CatalogApi {
    private final CatalogRebuilder rebuilder;

    public CatalogApi(CatalogRebuilder rebuilder) {
        this.rebuilder = rebuilder;
    }

    public void rebuild(Exchange exchange) throws ApiException {
        CatalogRebuilder.Report report;
        try {
            report = rebuilder.rebuild("api");
        } catch (SQLException e) {
            throw ApiException.catalogUnavailable("history", e);
        } catch (Exception e) {
            throw new ApiException(503, "storage_unavailable", "the history could not be rebuilt: "
                    + ErrorMessages.describe(e));
        }
        ApiResponder.respond(exchange, 200, report.view());
        exchange.getIn().setHeader("AuditAction", "catalog.rebuild");
        exchange.getIn().setHeader("AuditTarget", "backup_history");
        exchange.getIn().setHeader("AuditDetails", report.manifests() + " manifest(s): " + report.restored().size()
                + " backup(s) restored to the history, " + report.present().size() + " already there, "
                + report.skipped().size() + " skipped");
    }
}
