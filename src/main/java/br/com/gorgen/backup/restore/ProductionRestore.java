package br.com.gorgen.backup.restore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.dump.DumpCommand;
import br.com.gorgen.backup.dump.DumpProcess;
import br.com.gorgen.backup.dump.DumpStream;
import br.com.gorgen.backup.dump.MysqlOptionFile;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.WorkFolders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore over production, in the only order that loses nothing. When it starts, the chosen backup (or the
 * point-in-time recovery) is already loaded into a staging database and validated. Then:
 * <ol>
 * <li>{@link #prepare}: the switch journal names the schemas; with {@code readOnly} the server stops taking the
 * application's writes; a staging database on another server is copied to the production server (and checked);</li>
 * <li>a safety backup of the current data must succeed (the route runs it; {@link #requireSafetyBackup});</li>
 * <li>{@link #switchProduction}: the staged tables and objects take production's place at once and production is
 * validated; the previous tables are kept in {@code <db>_before_restore_<time>}
 * ({@code BACKUP_RESTORE_KEEP_PREVIOUS_HOURS});</li>
 * </ol>
 * Nothing reads the backup again. Any failure, at any step, leaves production as it was or puts it back
 * ({@link #abandon}, and at the next start for a stop in the middle); the alert says which.
 */
public class ProductionRestore {
    private static final Logger LOG = LoggerFactory.getLogger(ProductionRestore.class);
    public static final String SAFETY_BACKUP_ID = "RestoreSafetyBackupId";
    /** Header: what state production is in after a production restore failed ({@link State}). */
    public static final String PRODUCTION_STATE = "RestoreProductionState";
    /** Header: the words of that state (English, with the schemas and the safety backup named). */
    public static final String PRODUCTION_STATE_TEXT = "RestoreProductionStateText";
    /** Headers: where production's previous tables are kept after a switch, and until when. */
    public static final String PREVIOUS_SCHEMA = "RestorePreviousSchema";
    public static final String KEEP_UNTIL = "RestoreKeepPreviousUntil";
    /** Exchange property: the restore id of a switch under way (set by {@link #prepare}). */
    static final String PROP_SWITCH = "RestoreProductionSwitch";
    /** Exchange property: the staged copy's validation (what production must equal after the switch). */
    static final String PROP_STAGED = "RestoreStagedValidation";

    /** What a failed production restore left production as. */
    public enum State {
        /** Production was never changed. */
        UNTOUCHED,
        /** Production was changed and put back as it was. */
        ROLLED_BACK,
        /** Putting production back failed: it may be incomplete (the alert names where everything is). */
        ROLLBACK_FAILED
    }

    private final ProductionSwitch productionSwitch;
    private final DatabaseRestorer loader;
    private final RestoreValidator validator;
    private final BackupHistory backups;
    private final DatabaseUrl stagingServer;
    private final String dumpCommand;
    private final Path workRoot;
    private final Clock clock;

    /**
     * @param loader loads SQL into the production server (a staging copy from another server)
     * @param validator checks a database on the production server
     * @param stagingServer where isolated restores and recoveries are staged ({@code BACKUP_RESTORE_DATABASE_URL})
     */
    public ProductionRestore(ProductionSwitch productionSwitch, DatabaseRestorer loader, RestoreValidator validator,
            BackupHistory backups, DatabaseUrl stagingServer, String dumpCommand, Path workRoot, Clock clock) {
        this.productionSwitch = productionSwitch;
        this.loader = loader;
        this.validator = validator;
        this.backups = backups;
        this.stagingServer = stagingServer;
        this.dumpCommand = dumpCommand;
        this.workRoot = workRoot;
        this.clock = clock;
    }

    /**
     * Opens the switch journal, makes the server read-only when asked, and brings the validated staging copy onto the
     * production server when it was staged elsewhere. Production is not touched yet.
     */
    public void prepare(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        long restoreId = in.getHeader(RestoreHeaders.RESTORE_ID, Long.class);
        String staged = in.getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        RestoreValidator.Validation validated = exchange.getProperty(RestoreHeaders.PROP_VALIDATION,
                RestoreValidator.Validation.class);
        exchange.setProperty(PROP_STAGED, validated);
        // a point-in-time recovery was replayed out of the binary log (its GTIDs are the source's own): it is copied
        // as ordinary statements, so that replicas follow; so is a copy staged on another server
        boolean copy = "pitr-production".equals(in.getHeader(RestoreHeaders.KIND, String.class))
                || !productionSwitch.sameServer(stagingServer);
        String staging = copy ? productionSwitch.stagingSchema(restoreId) : staged;
        Instant startedAt = in.getHeader(RestoreHeaders.STARTED_AT, Instant.class);
        productionSwitch.journal().open(restoreId, productionSwitch.production().database(), staging,
                productionSwitch.previousSchema(startedAt == null ? clock.instant() : startedAt), clock.instant());
        exchange.setProperty(PROP_SWITCH, restoreId);
        if (exchange.getProperty(RestoreHeaders.PROP_READ_ONLY, true, Boolean.class)) {
            productionSwitch.makeReadOnly(restoreId);
        }
        if (copy) {
            copyToProductionServer(staged, staging, validated);
        }
    }

    /** A staging database on another server: dumped there and loaded into a new schema on the production server. */
    private void copyToProductionServer(String staged, String staging, RestoreValidator.Validation validated)
            throws Exception {
        Files.createDirectories(workRoot);
        Path work = Files.createTempDirectory(workRoot, "copy-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (MysqlOptionFile options = MysqlOptionFile.create(work, stagingServer.user(), stagingServer.password(),
                stagingServer.host(), stagingServer.port())) {
            productionSwitch.production().execute("CREATE DATABASE " + DatabaseUrl.quote(staging)
                    + " CHARACTER SET utf8mb4");
            try (DumpStream dump = DumpProcess.start(new DumpCommand(dumpCommand, options.path(), staged, false,
                    List.of(), List.of(), work))) {
                loader.loadSql(dump, staged, staging);
            }
        } finally {
            WorkFolders.deleteTree(work);
        }
        List<String> differences = countDifferences(validator.rowCounts(staging, validated.rowCounts().keySet()),
                validated.rowCounts(), "the staged copy");
        if (!differences.isEmpty()) {
            throw new RestoreFailedException("the copy of " + staged + " on the production server differs from it: "
                    + String.join("; ", differences) + ". Production was not touched");
        }
        stagingServer.execute("DROP DATABASE IF EXISTS " + DatabaseUrl.quote(staged));
        LOG.info("Staged copy {} copied to the production server as {}", staged, staging);
    }

    /** Asks the backup pipeline for a full backup of the current state (headers for backupCoordinator.begin). */
    public void requestSafetyBackup(Exchange exchange) {
        Message in = exchange.getIn();
        in.setHeader(BackupHeaders.BACKUP_TYPE, "full");
        in.setHeader(BackupHeaders.REQUESTED_BY, "safety before restore #" + in.getHeader(RestoreHeaders.RESTORE_ID));
        // no retention clean-up in the middle of a restore (what it reads is pinned anyway)
        in.setHeader(BackupHeaders.NO_CLEANUP_AFTER, true);
    }

    /** The safety backup must have succeeded, or production is not touched. */
    public void requireSafetyBackup(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        in.removeHeader(BackupHeaders.NO_CLEANUP_AFTER);
        Long id = in.getHeader(BackupHeaders.BACKUP_ID, Long.class);
        BackupRecord safety = id == null ? null : backups.findById(id).orElse(null);
        if (safety == null || !"success".equals(safety.status())) {
            throw new RestoreRefusedException("the safety backup " + (id == null ? "" : "#" + id + " ")
                    + "of the current production data did not succeed"
                    + (safety != null && safety.errorMessage() != null ? " (" + safety.errorMessage() + ")" : "")
                    + ": production was not touched");
        }
        in.setHeader(SAFETY_BACKUP_ID, id);
        productionSwitch.journal().safetyBackup(in.getHeader(RestoreHeaders.RESTORE_ID, Long.class), id);
        LOG.info("Safety backup #{} of production succeeded; switching {} to the restored copy", id,
                productionSwitch.production().database());
    }

    /**
     * The switch, then production validated against the staged copy (every table with its row count, every view,
     * routine, trigger and event of the manifest, foreign keys); a difference rolls the switch back.
     */
    public void switchProduction(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        long restoreId = in.getHeader(RestoreHeaders.RESTORE_ID, Long.class);
        BackupManifest manifest = exchange.getProperty(RestoreHeaders.PROP_MANIFEST, BackupManifest.class);
        RestoreValidator.Validation staged = exchange.getProperty(PROP_STAGED, RestoreValidator.Validation.class);
        String target = productionSwitch.production().database();
        ProductionSwitch.Switched done = productionSwitch.switchOver(restoreId);
        RestoreValidator.Validation v = validator.validateStructure(target, manifest);
        List<String> differences = new ArrayList<>(v.differences());
        differences.addAll(countDifferences(v.rowCounts(), staged.rowCounts(), "the validated restored copy"));
        if (!differences.isEmpty()) {
            String back = productionSwitch.rollBack(restoreId, "production differed after the switch: "
                    + String.join("; ", differences));
            throw new RestoreFailedException("production differed from the validated restored copy after the switch ("
                    + String.join("; ", differences) + "); " + back);
        }
        productionSwitch.finish(restoreId, done.keepUntil());
        exchange.removeProperty(PROP_SWITCH);
        List<String> notes = new ArrayList<>(staged.notes());
        notes.addAll(done.notes());
        notes.add("the previous production tables are kept in " + done.previousSchema() + " until " + done.keepUntil()
                + " (POST /api/backup/restore/" + restoreId + "/confirm drops them now, .../rollback puts them back)");
        exchange.setProperty(RestoreHeaders.PROP_VALIDATION, v.withNotes(notes));
        in.setHeader(RestoreHeaders.TARGET_DATABASE, target);
        in.setHeader(PREVIOUS_SCHEMA, done.previousSchema());
        in.setHeader(KEEP_UNTIL, done.keepUntil());
    }

    /**
     * Failure handler of a restore: a switch of this restore still under way is rolled back; headers
     * {@link #PRODUCTION_STATE} and {@link #PRODUCTION_STATE_TEXT} tell the alert what production is now. Nothing for
     * a restore that is not over production.
     */
    public void abandon(Exchange exchange) {
        Message in = exchange.getIn();
        String kind = in.getHeader(RestoreHeaders.KIND, String.class);
        if (kind == null || !kind.endsWith("production") || kind.startsWith("documents")) {
            return;
        }
        Long restoreId = exchange.getProperty(PROP_SWITCH, Long.class);
        Object safety = in.getHeader(SAFETY_BACKUP_ID);
        String safetyText = safety == null ? "no safety backup was taken" : "safety backup #" + safety + " holds the "
                + "data from just before the restore";
        if (restoreId == null) {
            in.setHeader(PRODUCTION_STATE, State.UNTOUCHED.name());
            in.setHeader(PRODUCTION_STATE_TEXT, "production was not touched; " + safetyText);
            return;
        }
        try {
            SwitchJournal.Entry before = productionSwitch.journal().find(restoreId).orElse(null);
            String words = productionSwitch.rollBack(restoreId, "the restore failed: "
                    + ErrorMessages.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
            boolean touched = before != null && before.phase() != SwitchJournal.Phase.STAGING;
            in.setHeader(PRODUCTION_STATE, (touched ? State.ROLLED_BACK : State.UNTOUCHED).name());
            in.setHeader(PRODUCTION_STATE_TEXT, words + "; " + safetyText);
        } catch (Exception e) {
            String where = "";
            try {
                where = productionSwitch.journal().find(restoreId).map(x -> "; the previous tables are in "
                        + x.previous() + ", the restored ones in " + x.staging()).orElse("");
            } catch (Exception ignored) {
                // described without them
            }
            LOG.error("Restore {}: production could not be put back: {}", restoreId, e.getMessage(), e);
            in.setHeader(PRODUCTION_STATE, State.ROLLBACK_FAILED.name());
            in.setHeader(PRODUCTION_STATE_TEXT, "production could not be put back (" + ErrorMessages.describe(e)
                    + ") and may be incomplete" + where + "; " + safetyText + "; the next start tries again");
        }
        exchange.removeProperty(PROP_SWITCH);
    }

    private static List<String> countDifferences(Map<String, Long> actual, Map<String, Long> expected, String what) {
        List<String> out = new ArrayList<>();
        expected.forEach((table, rows) -> {
            Long a = actual.get(table);
            if (!rows.equals(a)) {
                out.add("table " + table + " has " + a + " rows, " + what + " has " + rows);
            }
        });
        return out;
    }
}
