package br.com.gorgen.backup.app;

import java.util.List;

import br.com.gorgen.backup.catalog.BackupPins;
import br.com.gorgen.backup.catalog.CatalogRebuilder;
import br.com.gorgen.backup.restore.ProductionSwitch;
import br.com.gorgen.backup.retention.BackupExpirer;
import br.com.gorgen.backup.support.ErrorMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stop of the service can leave half done, put right once the catalog is ready (at start-up, or when its
 * database comes back), before anything else runs: a switch of production to a restored copy it left unfinished is
 * rolled back (production as it was before that restore), the pins of the stopped process are released (its restores
 * were just marked failed), removals it had claimed are finished, and an empty history is rebuilt from the buckets.
 * Each step is independent: one that fails is logged and the others still run.
 */
public class StartupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);

    private final BackupPins pins;
    private final BackupExpirer expirer;
    private final ProductionSwitch productionSwitch;
    private final CatalogRebuilder rebuilder;

    public StartupRecovery(BackupPins pins, BackupExpirer expirer, ProductionSwitch productionSwitch,
            CatalogRebuilder rebuilder) {
        this.productionSwitch = productionSwitch;
        this.pins = pins;
        this.expirer = expirer;
        this.rebuilder = rebuilder;
    }

    public void run() {
        try {
            for (String done : productionSwitch.recoverUnfinished()) {
                LOG.error("A restore over production was interrupted by a stop of the service: {}", done);
            }
        } catch (Exception e) {
            LOG.error("Restores over production left unfinished by a stop could not be rolled back now: {}. Production "
                    + "may be incomplete until they are; see the production_switch table", ErrorMessages.describe(e));
        }
        try {
            List<BackupPins.Pin> released = pins.releaseOthers();
            for (BackupPins.Pin p : released) {
                LOG.warn("Released the pin of {} on backup {} (taken {} by a process that is gone)", p.owner(),
                        p.backupId() == BackupPins.EVERY_BACKUP ? "(all)" : p.backupId(), p.pinnedAt());
            }
        } catch (Exception e) {
            LOG.error("Pins left by a stopped process could not be released: {}", ErrorMessages.describe(e));
        }
        try {
            List<Long> finished = expirer.resume();
            if (!finished.isEmpty()) {
                LOG.warn("Finished the removal of backup(s) {} that a stop of the service had interrupted", finished);
            }
        } catch (Exception e) {
            LOG.error("Interrupted removals could not be finished now (the next clean-up tries again): {}",
                    ErrorMessages.describe(e));
        }
        rebuilder.rebuildIfEmpty();
    }
}
