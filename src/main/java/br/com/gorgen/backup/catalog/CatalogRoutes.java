package br.com.gorgen.backup.catalog;

import org.apache.camel.builder.RouteBuilder;

/**
 * Java DSL route of the catalog: while the catalog database has not been prepared (it was down at start-up), retry
 * periodically so that migrations and the recovery of interrupted rows happen as soon as it is back.
 */
public class CatalogRoutes extends RouteBuilder {
    @Override
    public void configure() {
        from("timer:catalog-watch?delay={{backup.catalog.check.period.ms}}&period={{backup.catalog.check.period.ms}}")
                .routeId("catalog-watch")
                .description("Prepares the catalog (migrations, interrupted rows) once its database is reachable")
                .filter().method("catalogPreparer", "isReady").stop().end()
                .bean("catalogPreparer", "prepare");
    }
}
