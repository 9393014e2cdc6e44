package br.com.gorgen.backup.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins: rows of {@code backup_pin} that keep backups from being expired while something uses them (a restore, a
 * drill, a download, a catalog rebuild). The retention policy treats a pin as a safety rule, and a removal claims its
 * backup ({@link #claimForRemoval}) in the same locking order as a pin is taken ({@link #pin}), so that one of the two
 * wins and the other knows it: a backup is either pinned and kept, or claimed and refused to its user, never both.
 *
 * <p>A pin on {@link #EVERY_BACKUP} keeps the whole catalog (a rebuild adds rows the policy must see before it
 * decides anything). Each pin records the process that took it; at start-up the pins of any other process are
 * released ({@link #releaseOthers}): only one service instance works on a catalog, so their owner is gone.
 */
public class BackupPins {
    private static final Logger LOG = LoggerFactory.getLogger(BackupPins.class);
    /** The backup id of a pin that keeps every backup of the tenant. */
    public static final long EVERY_BACKUP = 0;

    /** One pin: which backup, who holds it, which process, since when. */
    public record Pin(long backupId, String owner, String instanceId, java.time.Instant pinnedAt) {
    }

    /** A backup that cannot be pinned: it is not (or no longer) a successful backup. */
    public static class NotPinnableException extends Exception {
        private final long backupId;

        public NotPinnableException(long backupId, String message) {
            super(message);
            this.backupId = backupId;
        }

        public long backupId() {
            return backupId;
        }
    }

    /** The pins of one owner, taken together; closing releases them (idempotent). */
    public final class Lease implements AutoCloseable {
        private final String owner;
        private final List<Long> backupIds;
        private volatile boolean released;

        private Lease(String owner, List<Long> backupIds) {
            this.owner = owner;
            this.backupIds = List.copyOf(backupIds);
        }

        public String owner() {
            return owner;
        }

        public List<Long> backupIds() {
            return backupIds;
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                release(owner);
            } catch (SQLException e) {
                LOG.warn("Pins of {} on {} could not be released now ({}); they are released at the next start",
                        owner, backupIds, e.getMessage());
            }
        }
    }

    private final DataSource dataSource;
    private final SchemaMigrator migrator;
    private final int tenantId;
    private final String instanceId;
    private final Clock clock;

    /** @param instanceId this process (pins of any other are released at start-up) */
    public BackupPins(DataSource dataSource, SchemaMigrator migrator, int tenantId, String instanceId, Clock clock) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.tenantId = tenantId;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    /**
     * Pins every backup of {@code backupIds} for {@code owner} (e.g. {@code restore #12}), all or none: each must be a
     * successful backup at this moment (a backup a removal has claimed is refused).
     */
    public Lease pin(String owner, Collection<Long> backupIds) throws SQLException, NotPinnableException {
        migrator.ensureMigrated();
        List<Long> ids = new ArrayList<>(new TreeSet<>(backupIds)); // one locking order for every caller
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (long id : ids) {
                    if (id == EVERY_BACKUP) {
                        continue;
                    }
                    String status = lockStatus(c, id);
                    if (!"success".equals(status)) {
                        c.rollback();
                        throw new NotPinnableException(id, status == null ? "backup " + id + " does not exist"
                                : "expiring".equals(status) ? "backup " + id + " is being deleted by a removal that "
                                        + "started first" : "backup " + id + " is '" + status + "', not 'success'");
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO backup_pin (tenant_id, backup_id, owner, "
                        + "instance_id, pinned_at) VALUES (?, ?, ?, ?, ?)")) {
                    for (long id : ids) {
                        ps.setInt(1, tenantId);
                        ps.setLong(2, id);
                        ps.setString(3, owner);
                        ps.setString(4, instanceId);
                        ps.setTimestamp(5, Timestamp.from(clock.instant()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return new Lease(owner, ids);
    }

    /** Pins the whole catalog (every backup, present and to come) for {@code owner}. */
    public Lease pinEverything(String owner) throws SQLException {
        try {
            return pin(owner, List.of(EVERY_BACKUP));
        } catch (NotPinnableException e) {
            throw new IllegalStateException(e); // nothing to check for the catalog as a whole
        }
    }

    /** Releases every pin of {@code owner}. */
    public void release(String owner) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM backup_pin WHERE tenant_id = ? AND owner = ?")) {
            ps.setInt(1, tenantId);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }

    /** Per pinned backup, its owners ({@link #EVERY_BACKUP} for pins on the whole catalog). */
    public Map<Long, List<String>> owners() throws SQLException {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        for (Pin p : active()) {
            List<String> owners = out.computeIfAbsent(p.backupId(), k -> new ArrayList<>());
            if (!owners.contains(p.owner())) {
                owners.add(p.owner());
            }
        }
        return out;
    }

    public List<Pin> active() throws SQLException {
        migrator.ensureMigrated();
        List<Pin> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT backup_id, owner, instance_id, pinned_at FROM backup_pin "
                        + "WHERE tenant_id = ? ORDER BY backup_id, id")) {
            ps.setInt(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pin(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return out;
    }

    /** At start-up: releases the pins of every other process (their owner stopped); returns them for the log. */
    public List<Pin> releaseOthers() throws SQLException {
        List<Pin> others = active().stream().filter(p -> !p.instanceId().equals(instanceId)).toList();
        if (!others.isEmpty()) {
            migrator.ensureMigrated();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("DELETE FROM backup_pin WHERE tenant_id = ? AND instance_id <> ?")) {
                ps.setInt(1, tenantId);
                ps.setString(2, instanceId);
                ps.executeUpdate();
            }
        }
        return others;
    }

    /**
     * Claims a backup for removal: it becomes {@code expiring} when it still has the status the caller decided on
     * and no pin; returns null when claimed, else why not (its pins' owners, or its new status). Takes the same row
     * lock as {@link #pin}: a pin taken after the caller's decision is seen here, and a pin asked for after this
     * claim is refused.
     */
    public String claimForRemoval(long backupId, String decidedStatus) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                String status = lockStatus(c, backupId);
                String refusal = null;
                if (!decidedStatus.equals(status)) {
                    refusal = "its status changed to '" + status + "'";
                } else {
                    List<String> owners = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT owner FROM backup_pin WHERE "
                            + "tenant_id = ? AND backup_id IN (?, " + EVERY_BACKUP + ") ORDER BY owner FOR UPDATE")) {
                        ps.setInt(1, tenantId);
                        ps.setLong(2, backupId);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                owners.add(rs.getString(1));
                            }
                        }
                    }
                    if (!owners.isEmpty()) {
                        refusal = inUseBy(owners);
                    }
                }
                if (refusal == null) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE backup_history SET status = 'expiring' "
                            + "WHERE id = ? AND tenant_id = ?")) {
                        ps.setLong(1, backupId);
                        ps.setInt(2, tenantId);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return refusal;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** The words of a pin as a retention reason: {@code in use by restore #12}. */
    public static String inUseBy(List<String> owners) {
        return "in use by " + String.join(", ", owners.stream().distinct().toList());
    }

    private String lockStatus(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM backup_history WHERE id = ? AND tenant_id = ? "
                + "FOR UPDATE")) {
            ps.setLong(1, id);
            ps.setInt(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
