package br.com.gorgen.backup.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import br.com.gorgen.backup.catalog.SchemaMigrator;

/** Reads and writes restore_history. */
public class RestoreHistory {
    private final DataSource dataSource;
    private final SchemaMigrator migrator;
    private final int tenantId;

    public RestoreHistory(DataSource dataSource, SchemaMigrator migrator, int tenantId) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.tenantId = tenantId;
    }

    public long insertRunning(long backupId, String kind, String targetDatabase, Instant startedAt, String requestedBy)
            throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO restore_history (tenant_id, backup_id, kind, status, "
                        + "target_database, started_at, requested_by) VALUES (?, ?, ?, 'running', ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            ps.setInt(1, tenantId);
            ps.setLong(2, backupId);
            ps.setString(3, kind);
            ps.setString(4, targetDatabase);
            ps.setTimestamp(5, Timestamp.from(startedAt));
            ps.setString(6, requestedBy);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    public void setPointInTime(long id, String pointInTime) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE restore_history SET point_in_time = ? WHERE id = ?")) {
            ps.setString(1, pointInTime);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    public void finish(long id, String status, Instant completedAt, String sourceBucket, String validationJson,
            String errorMessage, Long rtoSeconds, Long rpoSeconds) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE restore_history SET status = ?, completed_at = ?, "
                        + "source_bucket = ?, validation = ?, error_message = ?, rto_seconds = ?, rpo_seconds = ? WHERE id = ?")) {
            ps.setString(1, status);
            ps.setTimestamp(2, Timestamp.from(completedAt));
            ps.setString(3, sourceBucket);
            ps.setString(4, validationJson);
            ps.setString(5, errorMessage);
            ps.setObject(6, rtoSeconds);
            ps.setObject(7, rpoSeconds);
            ps.setLong(8, id);
            ps.executeUpdate();
        }
    }

    public void failInterrupted(Instant now) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE restore_history SET status = 'failed', completed_at = ?, "
                        + "error_message = 'interrupted: the service stopped during this restore' WHERE status = 'running' "
                        + "AND tenant_id = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, tenantId);
            ps.executeUpdate();
        }
    }

    public Optional<RestoreRecord> findById(long id) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, backup_id, kind, status, target_database, source_bucket, "
                        + "started_at, completed_at, requested_by, validation, error_message, rto_seconds, rpo_seconds, point_in_time "
                        + "FROM restore_history "
                        + "WHERE id = ? AND tenant_id = ?")) {
            ps.setLong(1, id);
            ps.setInt(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp done = rs.getTimestamp(8);
                return Optional.of(new RestoreRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(),
                        done == null ? null : done.toInstant(), rs.getString(9), rs.getString(10), rs.getString(11),
                        rs.getObject(12, Long.class), rs.getObject(13, Long.class), rs.getString(14)));
            }
        }
    }

    /** A restore's database that may be dropped: its restore id and name. */
    public record Leftover(long restoreId, String kind, String database) {
    }

    /**
     * Databases of finished restores (not documents ones, which write to a bucket) still present as far as the
     * history knows, kept past {@code keepHours} after their end (or past the time the restore asked for).
     */
    public java.util.List<Leftover> leftoverDatabases(Instant now, int keepHours) throws SQLException {
        migrator.ensureMigrated();
        java.util.List<Leftover> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, kind, target_database FROM restore_history WHERE "
                        + "tenant_id = ? AND status IN ('verified', 'failed') AND database_dropped_at IS NULL AND kind IN "
                        + "('isolated', 'drill', 'pitr', 'production', 'pitr-production') AND "
                        + "COALESCE(database_keep_until, TIMESTAMPADD(HOUR, ?, completed_at)) <= ? ORDER BY id")) {
            ps.setInt(1, tenantId);
            ps.setInt(2, keepHours);
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Leftover(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    public void databaseDropped(long id, Instant at) throws SQLException {
        update("UPDATE restore_history SET database_dropped_at = ? WHERE id = ?", Timestamp.from(at), id);
    }

    public void keepDatabaseUntil(long id, Instant until) throws SQLException {
        update("UPDATE restore_history SET database_keep_until = ? WHERE id = ?", Timestamp.from(until), id);
    }

    /** When a restore's database was dropped (null: it was not, as far as the history knows). */
    public Optional<Instant> databaseDroppedAt(long id) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT database_dropped_at FROM restore_history WHERE id = ? "
                        + "AND tenant_id = ?")) {
            ps.setLong(1, id);
            ps.setInt(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getTimestamp(1) != null ? Optional.of(rs.getTimestamp(1).toInstant())
                        : Optional.empty();
            }
        }
    }

    private void update(String sql, Object... args) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
