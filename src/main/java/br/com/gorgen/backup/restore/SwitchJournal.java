package br.com.gorgen.backup.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import br.com.gorgen.backup.catalog.SchemaMigrator;
import br.com.gorgen.backup.restore.SchemaObjects.SchemaObject;

/**
 * The journal of the switches of production to a restored copy ({@code production_switch}): each step is written
 * before the next is taken, so that a switch interrupted anywhere (an error, a stop, {@code kill -9}) can be rolled
 * back from what the journal says and what the server shows.
 */
public class SwitchJournal {
    /** Phases, in order: the copy is being staged; objects and table lists recorded; tables moved; finished. */
    public enum Phase {
        STAGING("staging"), PREPARED("prepared"), SWITCHED("switched"), DONE("done"), ROLLED_BACK("rolled-back"),
        CONFIRMED("confirmed");

        final String db;

        Phase(String db) {
            this.db = db;
        }

        static Phase of(String db) {
            return Arrays.stream(values()).filter(p -> p.db.equals(db)).findFirst().orElseThrow();
        }

        /** Whether a switch in this phase is unfinished (rolled back at the next start). */
        public boolean unfinished() {
            return this == STAGING || this == PREPARED || this == SWITCHED;
        }
    }

    /** One switch. */
    public record Entry(long restoreId, String production, String staging, String previous, Phase phase,
            boolean readOnlySet, Long safetyBackupId, List<String> previousTables, List<String> restoredTables,
            Instant startedAt, Instant keepUntil, String message) {
    }

    private final DataSource dataSource;
    private final SchemaMigrator migrator;
    private final int tenantId;

    public SwitchJournal(DataSource dataSource, SchemaMigrator migrator, int tenantId) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.tenantId = tenantId;
    }

    public void open(long restoreId, String production, String staging, String previous, Instant at) throws SQLException {
        update("INSERT INTO production_switch (restore_id, tenant_id, production_database, staging_database, "
                + "previous_database, phase, started_at) VALUES (?, ?, ?, ?, ?, 'staging', ?)", restoreId, tenantId,
                production, staging, previous, Timestamp.from(at));
    }

    public void readOnlySet(long restoreId, boolean set) throws SQLException {
        update("UPDATE production_switch SET read_only_set = ? WHERE restore_id = ?", set, restoreId);
    }

    public void safetyBackup(long restoreId, long backupId) throws SQLException {
        update("UPDATE production_switch SET safety_backup_id = ? WHERE restore_id = ?", backupId, restoreId);
    }

    /** Records both sides' objects and tables, in one transaction: the switch may now touch production. */
    public void prepared(long restoreId, List<SchemaObject> previous, List<SchemaObject> restored,
            List<String> previousTables, List<String> restoredTables) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM production_switch_object WHERE restore_id = ?")) {
                    del.setLong(1, restoreId);
                    del.execute();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO production_switch_object (restore_id, side, "
                        + "seq, kind, name, sql_mode, character_set, collation_name, ddl, time_zone) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    addObjects(ps, restoreId, "previous", previous);
                    addObjects(ps, restoreId, "restored", restored);
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE production_switch SET phase = 'prepared', "
                        + "previous_tables = ?, restored_tables = ? WHERE restore_id = ?")) {
                    ps.setString(1, String.join("\n", previousTables));
                    ps.setString(2, String.join("\n", restoredTables));
                    ps.setLong(3, restoreId);
                    ps.execute();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void addObjects(PreparedStatement ps, long restoreId, String side, List<SchemaObject> objects)
            throws SQLException {
        int seq = 0;
        for (SchemaObject o : objects) {
            ps.setLong(1, restoreId);
            ps.setString(2, side);
            ps.setInt(3, seq++);
            ps.setString(4, o.kind());
            ps.setString(5, o.name());
            ps.setString(6, o.sqlMode());
            ps.setString(7, o.characterSet());
            ps.setString(8, o.collation());
            ps.setString(9, o.ddl());
            ps.setString(10, o.timeZone());
            ps.addBatch();
        }
    }

    public List<SchemaObject> objects(long restoreId, String side) throws SQLException {
        migrator.ensureMigrated();
        List<SchemaObject> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT kind, name, sql_mode, character_set, collation_name, "
                        + "time_zone, ddl FROM production_switch_object WHERE restore_id = ? AND side = ? ORDER BY seq")) {
            ps.setLong(1, restoreId);
            ps.setString(2, side);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SchemaObject(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    public void phase(long restoreId, Phase phase, String message) throws SQLException {
        update("UPDATE production_switch SET phase = ?, message = COALESCE(?, message), "
                + "switched_at = CASE WHEN ? = 'switched' THEN CURRENT_TIMESTAMP(3) ELSE switched_at END, "
                + "finished_at = CASE WHEN ? IN ('done', 'rolled-back', 'confirmed') THEN CURRENT_TIMESTAMP(3) "
                + "ELSE finished_at END WHERE restore_id = ?", phase.db, message, phase.db, phase.db, restoreId);
    }

    public void done(long restoreId, Instant keepUntil) throws SQLException {
        update("UPDATE production_switch SET phase = 'done', keep_until = ?, finished_at = CURRENT_TIMESTAMP(3) "
                + "WHERE restore_id = ?", Timestamp.from(keepUntil), restoreId);
    }

    public Optional<Entry> find(long restoreId) throws SQLException {
        List<Entry> l = list("SELECT * FROM production_switch WHERE tenant_id = ? AND restore_id = ?", tenantId, restoreId);
        return l.stream().findFirst();
    }

    /** Switches a stop left unfinished, oldest first. */
    public List<Entry> unfinished() throws SQLException {
        return list("SELECT * FROM production_switch WHERE tenant_id = ? AND phase IN ('staging', 'prepared', "
                + "'switched') ORDER BY restore_id", tenantId);
    }

    /** Finished switches whose previous tables are still kept. */
    public List<Entry> kept() throws SQLException {
        return list("SELECT * FROM production_switch WHERE tenant_id = ? AND phase = 'done' ORDER BY restore_id",
                tenantId);
    }

    private List<Entry> list(String sql, Object... args) throws SQLException {
        migrator.ensureMigrated();
        List<Entry> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp keep = rs.getTimestamp("keep_until");
                    out.add(new Entry(rs.getLong("restore_id"), rs.getString("production_database"),
                            rs.getString("staging_database"), rs.getString("previous_database"),
                            Phase.of(rs.getString("phase")), rs.getBoolean("read_only_set"),
                            rs.getObject("safety_backup_id", Long.class), lines(rs.getString("previous_tables")),
                            lines(rs.getString("restored_tables")), rs.getTimestamp("started_at").toInstant(),
                            keep == null ? null : keep.toInstant(), rs.getString("message")));
                }
            }
        }
        return out;
    }

    private static List<String> lines(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private void update(String sql, Object... args) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null) {
                    ps.setNull(i + 1, java.sql.Types.VARCHAR);
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            ps.executeUpdate();
        }
    }
}
