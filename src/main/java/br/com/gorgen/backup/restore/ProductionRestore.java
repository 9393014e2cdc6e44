package br.com.gorgen.backup.restore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.dump.DumpCommand;
import br.com.gorgen.backup.dump.DumpProcess;
import br.com.gorgen.backup.dump.DumpStream;
import br.com.gorgen.backup.dump.MysqlOptionFile;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.WorkFolders;
import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restoring over the production database, in the only order that loses nothing: the chosen backup has already been
 * loaded into a staging database and validated; then a fresh full backup of the current state (the safety net) must
 * succeed; only then is the production database emptied (except the service's own tables) and loaded from the same
 * verified copy, and validated again. The staging database is dropped at the end.
 */
public class ProductionRestore {
    private static final Logger LOG = LoggerFactory.getLogger(ProductionRestore.class);
    public static final String SAFETY_BACKUP_ID = "RestoreSafetyBackupId";

    private final DatabaseUrl production;
    private final DatabaseRestorer loader;
    private final RestoreValidator validator;
    private final BackupHistory backups;
    private final List<String> ownTables;
    private final DatabaseUrl stagingServer;
    private final String dumpCommand;
    private final Path workRoot;

    public ProductionRestore(DatabaseUrl production, DatabaseRestorer loader, RestoreValidator validator,
            BackupHistory backups, List<String> ownTables, DatabaseUrl stagingServer, String dumpCommand, Path workRoot) {
        this.stagingServer = stagingServer;
        this.dumpCommand = dumpCommand;
        this.workRoot = workRoot;
        this.production = production;
        this.loader = loader;
        this.validator = validator;
        this.backups = backups;
        this.ownTables = ownTables;
    }

    /** Asks the backup pipeline for a full backup of the current state (headers for backupCoordinator.begin). */
    public void requestSafetyBackup(Exchange exchange) {
        Message in = exchange.getIn();
        in.setHeader(BackupHeaders.BACKUP_TYPE, "full");
        in.setHeader(BackupHeaders.REQUESTED_BY, "safety before restore #" + in.getHeader(RestoreHeaders.RESTORE_ID));
    }

    /** The safety backup must have succeeded, or production is not touched. */
    public void requireSafetyBackup(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        Long id = in.getHeader(BackupHeaders.BACKUP_ID, Long.class);
        BackupRecord safety = id == null ? null : backups.findById(id).orElse(null);
        if (safety == null || !"success".equals(safety.status())) {
            throw new RestoreRefusedException("the safety backup " + (id == null ? "" : "#" + id + " ")
                    + "of the current production data did not succeed"
                    + (safety != null && safety.errorMessage() != null ? " (" + safety.errorMessage() + ")" : "")
                    + ": production was not touched");
        }
        in.setHeader(SAFETY_BACKUP_ID, id);
        LOG.info("Safety backup #{} of production succeeded; restoring over {}", id, production.database());
    }

    /** Empties production (keeping the service's own tables), loads the verified copy and validates it. */
    public void replaceProduction(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String staging = in.getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        String target = production.database();
        empty(target);
        in.setHeader(RestoreHeaders.TARGET_DATABASE, target);
        loader.loadInto(exchange, target);
        BackupManifest manifest = exchange.getProperty(RestoreHeaders.PROP_MANIFEST, BackupManifest.class);
        RestoreValidator.Validation v = validator.validate(target, manifest);
        exchange.setProperty(RestoreHeaders.PROP_VALIDATION, v);
        if (!v.differences().isEmpty()) {
            throw new RestoreFailedException("production was restored from backup " + manifest.backupId()
                    + " but differs from it: " + String.join("; ", v.differences()) + ". The safety backup #"
                    + in.getHeader(SAFETY_BACKUP_ID) + " holds the data from before the restore");
        }
        production.execute("DROP DATABASE IF EXISTS " + DatabaseUrl.quote(staging));
    }

    /**
     * Point-in-time recovery over production: the staging database already holds the recovered, validated state;
     * production is emptied (keeping the service's own tables) and loaded with a dump of it (ordinary statements:
     * binary-logged with fresh GTIDs, so replicas follow), then its row counts must equal the staging database's.
     */
    public void replaceProductionFromStaging(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String staging = in.getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        String target = production.database();
        RestoreValidator.Validation recovered = exchange.getProperty(RestoreHeaders.PROP_VALIDATION,
                RestoreValidator.Validation.class);
        Files.createDirectories(workRoot);
        Path work = Files.createTempDirectory(workRoot, "copy-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (MysqlOptionFile options = MysqlOptionFile.create(work, stagingServer.user(), stagingServer.password(),
                stagingServer.host(), stagingServer.port())) {
            empty(target);
            in.setHeader(RestoreHeaders.TARGET_DATABASE, target);
            try (DumpStream dump = DumpProcess.start(new DumpCommand(dumpCommand, options.path(), staging, false,
                    List.of(), List.of(), work))) {
                loader.loadSql(dump, staging, target);
            }
        } finally {
            WorkFolders.deleteTree(work);
        }
        BackupManifest manifest = exchange.getProperty(RestoreHeaders.PROP_MANIFEST, BackupManifest.class);
        RestoreValidator.Validation v = validator.validateStructure(target, manifest);
        exchange.setProperty(RestoreHeaders.PROP_VALIDATION, v);
        List<String> differences = new ArrayList<>(v.differences());
        recovered.rowCounts().forEach((table, rows) -> {
            Long actual = v.rowCounts().get(table);
            if (!rows.equals(actual)) {
                differences.add("table " + table + " has " + actual + " rows, the recovered state has " + rows);
            }
        });
        if (!differences.isEmpty()) {
            throw new RestoreFailedException("production was recovered to " + in.getHeader(RestoreHeaders.POINT_IN_TIME)
                    + " but differs from the validated recovery in " + staging + ": " + String.join("; ", differences)
                    + ". The safety backup #" + in.getHeader(SAFETY_BACKUP_ID) + " holds the data from before");
        }
        stagingServer.execute("DROP DATABASE IF EXISTS " + DatabaseUrl.quote(staging));
    }

    private void empty(String schema) throws SQLException {
        List<String> statements = new ArrayList<>();
        statements.add("SET FOREIGN_KEY_CHECKS = 0");
        try (Connection c = production.connect(schema); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES "
                    + "WHERE TABLE_SCHEMA = DATABASE()")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (!ownTables.contains(name)) {
                        statements.add(("VIEW".equals(rs.getString(2)) ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ")
                                + DatabaseUrl.quote(name));
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES "
                    + "WHERE ROUTINE_SCHEMA = DATABASE()")) {
                while (rs.next()) {
                    statements.add("DROP " + rs.getString(1) + " IF EXISTS " + DatabaseUrl.quote(rs.getString(2)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()")) {
                while (rs.next()) {
                    statements.add("DROP EVENT IF EXISTS " + DatabaseUrl.quote(rs.getString(1)));
                }
            }
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }
}
