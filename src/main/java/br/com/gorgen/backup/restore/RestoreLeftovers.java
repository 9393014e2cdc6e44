package br.com.gorgen.backup.restore;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.ErrorMessages;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What restores leave on the database servers, removed once kept long enough (a step of every retention clean-up):
 * the databases of isolated restores, drills and staging copies ({@code backup.restore.isolated.keep.hours} after the
 * restore ended, or later when a restore asked to keep its database), and the previous production tables a switch
 * kept aside ({@code backup.restore.keep.previous.hours}). Only names this service gave its own restores are dropped:
 * never the production database, never a name outside the restore prefix.
 */
public class RestoreLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreLeftovers.class);
    public static final String PROP_REPORT = "RestoreLeftoversReport";

    private final RestoreHistory history;
    private final DatabaseUrl restoreServer;
    private final ProductionSwitch productionSwitch;
    private final String prefix;
    private final int keepHours;
    private final Clock clock;

    public RestoreLeftovers(RestoreHistory history, DatabaseUrl restoreServer, ProductionSwitch productionSwitch,
            String prefix, int keepHours, Clock clock) {
        this.history = history;
        this.restoreServer = restoreServer;
        this.productionSwitch = productionSwitch;
        this.prefix = prefix;
        this.keepHours = keepHours;
        this.clock = clock;
    }

    /** Drops what is due; property {@link #PROP_REPORT} says what. Never fails the clean-up it is a step of. */
    public void clean(Exchange exchange) {
        Instant now = clock.instant();
        Map<String, Object> report = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            for (RestoreHistory.Leftover l : history.leftoverDatabases(now, keepHours)) {
                try {
                    drop(l.restoreId(), l.database());
                    dropped.add(l.database());
                } catch (Exception e) {
                    problems.add("restore #" + l.restoreId() + " (" + l.database() + "): " + ErrorMessages.describe(e));
                }
            }
            List<Long> previous = productionSwitch.dropExpired(now);
            report.put("previousProductionTablesDropped", previous.stream().map(id -> "restore #" + id).toList());
        } catch (Exception e) {
            problems.add(ErrorMessages.describe(e));
        }
        report.put("restoreDatabasesDropped", dropped);
        report.put("problems", problems);
        exchange.setProperty(PROP_REPORT, report);
        if (!dropped.isEmpty() || !problems.isEmpty()) {
            LOG.info("Restore leftovers: dropped {}; problems {}", dropped, problems);
        }
    }

    /** Drops one restore's database now (and records it); refused for a name this service did not give it. */
    public void drop(long restoreId, String database) throws SQLException {
        if (!mine(database)) {
            throw new IllegalStateException("'" + database + "' is not a database this service restores into (prefix "
                    + prefix + "_): left alone");
        }
        restoreServer.execute("DROP DATABASE IF EXISTS " + DatabaseUrl.quote(database));
        history.databaseDropped(restoreId, clock.instant());
        LOG.info("Restore {}: its database {} was dropped", restoreId, database);
    }

    /** Whether a name is one the service gives its restores' databases (never production's). */
    public boolean mine(String database) {
        return database != null && database.startsWith(prefix + "_")
                && !database.equals(productionSwitch.production().database());
    }
}
