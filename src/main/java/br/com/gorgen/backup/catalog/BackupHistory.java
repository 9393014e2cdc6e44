package br.com.gorgen.backup.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** Reads and writes backup_history, the catalog's index of backups (the manifests in the buckets are the truth). */
public class BackupHistory {
    private static final String COLUMNS = "id, tenant_id, backup_type, status, started_at, completed_at, file_path, "
            + "file_size_bytes, checksum_sha256, error_message, created_by, manifest_path, plaintext_sha256, "
            + "plaintext_size_bytes, binlog_file, binlog_position, source_id, snapshot_at, first_event_at, last_event_at, "
            + "start_binlog_file, start_binlog_position, parent_id, notes";

    private final DataSource dataSource;
    private final SchemaMigrator migrator;
    private final int tenantId;

    public BackupHistory(DataSource dataSource, SchemaMigrator migrator, int tenantId) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.tenantId = tenantId;
    }

    /** Inserts a running row and returns its id. */
    public long insertRunning(String type, Instant startedAt, String createdBy) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO backup_history (tenant_id, backup_type, status, "
                        + "started_at, file_path, created_by) VALUES (?, ?, 'running', ?, '', ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            ps.setInt(1, tenantId);
            ps.setString(2, type);
            ps.setTimestamp(3, Timestamp.from(startedAt));
            ps.setString(4, createdBy);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    public void setPaths(long id, String filePath, String manifestPath) throws SQLException {
        update("UPDATE backup_history SET file_path = ?, manifest_path = ? WHERE id = ?", filePath, manifestPath, id);
    }

    public void markSuccess(long id, Instant completedAt, long size, String sha256, long plainSize, String plainSha256,
            String binlogFile, Long binlogPosition) throws SQLException {
        update("UPDATE backup_history SET status = 'success', completed_at = ?, file_size_bytes = ?, checksum_sha256 = ?, "
                + "plaintext_size_bytes = ?, plaintext_sha256 = ?, binlog_file = ?, binlog_position = ?, error_message = NULL "
                + "WHERE id = ?", Timestamp.from(completedAt), size, sha256, plainSize, plainSha256, binlogFile,
                binlogPosition, id);
    }

    /** Records the point-in-time facts of a backup (any field may be null). */
    public void setCoverage(long id, BackupRecord.Coverage c) throws SQLException {
        update("UPDATE backup_history SET source_id = ?, snapshot_at = ?, first_event_at = ?, last_event_at = ?, "
                + "start_binlog_file = ?, start_binlog_position = ?, parent_id = ?, notes = ? WHERE id = ?", c.sourceId(),
                ts(c.snapshotAt()), ts(c.firstEventAt()), ts(c.lastEventAt()), c.startBinlogFile(),
                c.startBinlogPosition(), c.parentId(), c.notes(), id);
    }

    /** Successful backups of one type from one source, oldest first (all of them: the point-in-time window needs them). */
    public List<BackupRecord> successfulFrom(String type, String sourceId) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM backup_history WHERE tenant_id = ? AND backup_type = ? "
                + "AND status = 'success' AND (? IS NULL OR source_id = ?) ORDER BY id", tenantId, type, sourceId, sourceId);
    }

    /** Inserts a row that is failed from the start (a problem found outside any run, such as a binary-log gap). */
    public long insertFailed(String type, Instant at, String createdBy, String errorMessage) throws SQLException {
        long id = insertRunning(type, at, createdBy);
        markFailed(id, at, errorMessage);
        return id;
    }

    public void markFailed(long id, Instant completedAt, String errorMessage) throws SQLException {
        update("UPDATE backup_history SET status = 'failed', completed_at = ?, error_message = ? WHERE id = ?",
                Timestamp.from(completedAt), errorMessage, id);
    }

    /** Marks rows left 'running' by a process that stopped mid-backup; returns their ids. */
    public List<Long> failInterrupted(Instant now, String errorMessage) throws SQLException {
        migrator.ensureMigrated();
        List<Long> ids = new ArrayList<>();
        for (BackupRecord r : find(new HistoryFilter("running", null, 1000))) {
            ids.add(r.id());
            markFailed(r.id(), now, errorMessage);
        }
        return ids;
    }

    public Optional<BackupRecord> findById(long id) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM backup_history WHERE id = ? AND tenant_id = ?")) {
            ps.setLong(1, id);
            ps.setInt(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Every backup not expired yet, oldest first: what retention decides on (expired rows stay in the table forever,
     * but there is nothing left of them to decide).
     */
    public List<BackupRecord> unexpired() throws SQLException {
        return list("SELECT " + COLUMNS + " FROM backup_history WHERE tenant_id = ? AND status <> 'expired' ORDER BY id",
                tenantId);
    }

    /** How many rows this tenant has in the history (any status): 0 means a new or lost catalog. */
    public long count() throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM backup_history WHERE tenant_id = ?")) {
            ps.setInt(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Inserts a row rebuilt from a manifest, with the backup's own id (manifests, keys and chains name it). Returns
     * false, changing nothing, when a row with that id exists already.
     */
    public boolean insertRebuilt(BackupRecord r) throws SQLException {
        migrator.ensureMigrated();
        BackupRecord.Coverage c = r.coverage();
        try (Connection conn = dataSource.getConnection();
                PreparedStatement ps = conn.prepareStatement("INSERT IGNORE INTO backup_history (" + COLUMNS + ") VALUES ("
                        + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, r.id(), tenantId, r.type(), r.status(), ts(r.startedAt()), ts(r.completedAt()), r.filePath(),
                    r.fileSizeBytes(), r.checksumSha256(), r.errorMessage(), r.createdBy(), r.manifestPath(),
                    r.plaintextSha256(), r.plaintextSizeBytes(), r.binlogFile(), r.binlogPosition(), c.sourceId(),
                    ts(c.snapshotAt()), ts(c.firstEventAt()), ts(c.lastEventAt()), c.startBinlogFile(),
                    c.startBinlogPosition(), c.parentId(), c.notes());
            return ps.executeUpdate() == 1;
        }
    }

    /** Per backup, the Object Lock date the clean-up last extended its objects to (only rows that have one). */
    public java.util.Map<Long, Instant> lockedUntil() throws SQLException {
        migrator.ensureMigrated();
        java.util.Map<Long, Instant> out = new java.util.HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, locked_until FROM backup_history WHERE tenant_id = ? "
                        + "AND locked_until IS NOT NULL")) {
            ps.setInt(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return out;
    }

    public void setLockedUntil(long id, Instant until) throws SQLException {
        update("UPDATE backup_history SET locked_until = ? WHERE id = ?", Timestamp.from(until), id);
    }

    /** The row stays forever; its objects are gone: status {@code expired}, with why appended to its notes. */
    public void markExpired(long id, String note) throws SQLException {
        update("UPDATE backup_history SET status = 'expired', notes = CONCAT_WS(' | ', notes, ?) WHERE id = ?", note, id);
    }

    /**
     * The other rows that are, or may become, good backups (running or successful) whose artifact or manifest lies
     * under {@code folder}: the folder is theirs too. Shipped binary logs share a folder per file (shipping a file
     * again lands on the same keys); no other kind of backup ever does.
     */
    public List<BackupRecord> othersUnder(String folder, long exceptId) throws SQLException {
        String like = folder.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return list("SELECT " + COLUMNS + " FROM backup_history WHERE tenant_id = ? AND id <> ? "
                + "AND status IN ('running', 'validating', 'success') AND (file_path LIKE ? OR manifest_path LIKE ?) "
                + "ORDER BY id", tenantId, exceptId, like, like);
    }

    /**
     * Closes a row left {@code running} (or recorded {@code failed}) as the success its manifest proves, with the
     * manifest's facts; false when the row is in another state by now.
     */
    public boolean closeFromManifest(BackupRecord r, String note) throws SQLException {
        migrator.ensureMigrated();
        BackupRecord.Coverage c = r.coverage();
        try (Connection conn = dataSource.getConnection();
                PreparedStatement ps = conn.prepareStatement("UPDATE backup_history SET status = 'success', "
                        + "completed_at = ?, file_size_bytes = ?, checksum_sha256 = ?, plaintext_sha256 = ?, "
                        + "plaintext_size_bytes = ?, binlog_file = ?, binlog_position = ?, source_id = ?, snapshot_at = ?, "
                        + "first_event_at = ?, last_event_at = ?, start_binlog_file = ?, start_binlog_position = ?, "
                        + "parent_id = ?, error_message = NULL, notes = CONCAT_WS(' | ', notes, ?) "
                        + "WHERE id = ? AND tenant_id = ? AND status IN ('running', 'validating', 'failed')")) {
            bind(ps, ts(r.completedAt()), r.fileSizeBytes(), r.checksumSha256(), r.plaintextSha256(),
                    r.plaintextSizeBytes(), r.binlogFile(), r.binlogPosition(), c.sourceId(), ts(c.snapshotAt()),
                    ts(c.firstEventAt()), ts(c.lastEventAt()), c.startBinlogFile(), c.startBinlogPosition(), c.parentId(),
                    note, r.id(), tenantId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Rows left {@code running}: at start-up, by a process that stopped. */
    public List<BackupRecord> running() throws SQLException {
        return list("SELECT " + COLUMNS + " FROM backup_history WHERE tenant_id = ? AND status IN ('running', "
                + "'validating') ORDER BY id", tenantId);
    }

    /** Rows a removal claimed ({@code expiring}) and did not finish: a stop interrupted it. */
    public List<BackupRecord> expiring() throws SQLException {
        return list("SELECT " + COLUMNS + " FROM backup_history WHERE tenant_id = ? AND status = 'expiring' ORDER BY id",
                tenantId);
    }

    /** Gives a claimed row back its status (its removal was refused after the claim, e.g. by an object lock). */
    public void unclaim(long id, String status) throws SQLException {
        update("UPDATE backup_history SET status = ? WHERE id = ? AND status = 'expiring'", status, id);
    }

    /** Newest first. */
    public List<BackupRecord> find(HistoryFilter filter) throws SQLException {
        migrator.ensureMigrated();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM backup_history WHERE tenant_id = ?");
        List<Object> args = new ArrayList<>();
        args.add(tenantId);
        if (filter.status() != null) {
            sql.append(" AND status = ?");
            args.add(filter.status());
        }
        if (filter.type() != null) {
            sql.append(" AND backup_type = ?");
            args.add(filter.type());
        }
        sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
        args.add(filter.limit());
        return list(sql.toString(), args.toArray());
    }

    /** The rows a query selects ({@link #COLUMNS}), in its order. */
    private List<BackupRecord> list(String sql, Object... args) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<BackupRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    private void update(String sql, Object... args) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    private static BackupRecord read(ResultSet rs) throws SQLException {
        return new BackupRecord(rs.getLong("id"), rs.getInt("tenant_id"), rs.getString("backup_type"),
                rs.getString("status"), instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("completed_at")),
                rs.getString("file_path"), (Long) rs.getObject("file_size_bytes", Long.class),
                rs.getString("checksum_sha256"), rs.getString("error_message"), rs.getString("created_by"),
                rs.getString("manifest_path"), rs.getString("plaintext_sha256"),
                rs.getObject("plaintext_size_bytes", Long.class), rs.getString("binlog_file"),
                rs.getObject("binlog_position", Long.class),
                new BackupRecord.Coverage(rs.getString("source_id"), instant(rs.getTimestamp("snapshot_at")),
                        instant(rs.getTimestamp("first_event_at")), instant(rs.getTimestamp("last_event_at")),
                        rs.getString("start_binlog_file"), rs.getObject("start_binlog_position", Long.class),
                        rs.getObject("parent_id", Long.class), rs.getString("notes")));
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
