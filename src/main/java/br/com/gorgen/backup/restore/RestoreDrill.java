package br.com.gorgen.backup.restore;

import java.sql.SQLException;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.catalog.CatalogUnavailableException;
import br.com.gorgen.backup.catalog.HistoryFilter;
import br.com.gorgen.backup.restore.RestoreCoordinator.RestoreNotStartedException;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.ErrorMessages;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quarterly disaster-recovery simulation: restore the latest successful full backup into a scratch database,
 * validate it, measure RTO and RPO (recorded by the coordinator), then drop the scratch database.
 */
public class RestoreDrill {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreDrill.class);

    private final BackupHistory backups;
    private final DatabaseUrl server;

    public RestoreDrill(BackupHistory backups, DatabaseUrl server) {
        this.backups = backups;
        this.server = server;
    }

    /** Picks the backup to drill: the latest successful full backup. */
    public void prepare(Exchange exchange) throws RestoreNotStartedException, CatalogUnavailableException {
        Message in = exchange.getIn();
        BackupRecord latest;
        try {
            latest = backups.find(new HistoryFilter("success", "full", 1)).stream().findFirst()
                    .orElseThrow(() -> new RestoreNotStartedException(409, "there is no successful full backup to drill", null));
        } catch (SQLException e) {
            throw new CatalogUnavailableException("the catalog database is unreachable: " + ErrorMessages.describe(e), e);
        }
        in.setHeader(RestoreHeaders.BACKUP_ID, latest.id());
        in.setHeader(RestoreHeaders.KIND, "drill");
        if (in.getHeader(RestoreHeaders.REQUESTED_BY) == null) {
            in.setHeader(RestoreHeaders.REQUESTED_BY, "scheduler");
        }
    }

    /** Drops the drill's scratch database once it is validated. */
    public void dropScratch(Exchange exchange) throws SQLException {
        String target = exchange.getIn().getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        server.execute("DROP DATABASE IF EXISTS " + DatabaseUrl.quote(target));
        LOG.info("Drill scratch database {} dropped", target);
    }
}
