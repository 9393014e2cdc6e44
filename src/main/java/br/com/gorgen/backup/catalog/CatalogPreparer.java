package br.com.gorgen.backup.catalog;

import java.util.List;

import br.com.gorgen.backup.restore.RestoreCoordinator;
import br.com.gorgen.backup.support.ErrorMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the catalog ready: applies the schema migrations and fails the rows a stopped process left 'running', then runs
 * what waits for a ready catalog (the rebuild of an empty history from the buckets). Done at start-up and, when the
 * database was down then, again by the catalog-watch route until it succeeds.
 */
public class CatalogPreparer {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogPreparer.class);

    private final SchemaMigrator migrator;
    private final BackupCoordinator coordinator;
    private final RestoreCoordinator restores;
    private final String databaseDescription;
    private final Runnable whenReady;
    private final java.util.concurrent.Callable<List<Long>> closeCompleted;
    private volatile boolean ready;
    private volatile boolean reportedDown;

    public CatalogPreparer(SchemaMigrator migrator, BackupCoordinator coordinator, RestoreCoordinator restores,
            String databaseDescription, java.util.concurrent.Callable<List<Long>> closeCompleted, Runnable whenReady) {
        this.closeCompleted = closeCompleted;
        this.whenReady = whenReady;
        this.migrator = migrator;
        this.coordinator = coordinator;
        this.restores = restores;
        this.databaseDescription = databaseDescription;
    }

    public boolean isReady() {
        return ready;
    }

    /** Tries once; never throws. */
    public synchronized void prepare() {
        if (ready) {
            return;
        }
        try {
            migrator.ensureMigrated();
            if (coordinator.runningId().isEmpty()) {
                // a run stopped after its manifest was stored in both buckets is a complete backup: closed as such
                List<Long> completed = closeCompleted.call();
                if (!completed.isEmpty()) {
                    LOG.warn("Backups {} were complete when the service stopped and are closed as success", completed);
                }
                List<Long> interrupted = coordinator.recoverInterrupted();
                if (!interrupted.isEmpty()) {
                    LOG.error("Backups {} were interrupted by a stop of the service and are now marked failed", interrupted);
                }
            }
            if (restores.runningId().isEmpty()) {
                restores.recoverInterrupted();
            }
            ready = true;
            if (reportedDown) {
                LOG.info("The catalog database ({}) is reachable again; backups can run", databaseDescription);
            }
            whenReady.run();
        } catch (Exception e) {
            if (!reportedDown) {
                LOG.error("The catalog database ({}) is unreachable: {}. The service runs, but backups fail until the "
                        + "database is reachable; retrying in the background.", databaseDescription, ErrorMessages.describe(e));
                reportedDown = true;
            }
        }
    }
}
