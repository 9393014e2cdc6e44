package br.com.gorgen.backup.api;

import br.com.gorgen.backup.catalog.Reconciliation;
import org.apache.camel.Exchange;

/** {@code POST /api/backup/reconcile} (role admin): runs the reconciliation now and answers its report. */
public class ReconciliationApi {
    public void respond(Exchange exchange) {
        Reconciliation.Report report = exchange.getProperty(Reconciliation.PROP_REPORT, Reconciliation.Report.class);
        ApiResponder.respond(exchange, 200, report.view());
    }
}
