package br.com.gorgen.backup.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

/**
 * One maintenance of the catalog at a time: the retention clean-up, a deletion by hand and a catalog rebuild each
 * decide over the whole history, and a decision taken while another changes it is taken on a catalog that is not
 * whole (a clean-up during a rebuild sees chains without their incrementals). Held with the database's named lock
 * ({@code GET_LOCK}) on a connection of its own, so it holds across service instances and is released by the server
 * when the process holding it dies.
 */
public class MaintenanceLock {
    /** A held lock; closing releases it. */
    public final class Held implements AutoCloseable {
        private final Connection connection;

        private Held(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void close() {
            holder.set(null);
            try (connection; PreparedStatement ps = connection.prepareStatement("DO RELEASE_LOCK(?)")) {
                ps.setString(1, name);
                ps.execute();
            } catch (SQLException e) {
                // the connection goes back closed or broken: the server releases the lock with the session
            }
        }
    }

    private final DataSource dataSource;
    private final String name;
    private final AtomicReference<String> holder = new AtomicReference<>();

    public MaintenanceLock(DataSource dataSource, String keyPrefix, int tenantId) {
        this.dataSource = dataSource;
        // GET_LOCK names are at most 64 characters
        String n = "gorgen-backup-maintenance:" + keyPrefix + ":" + tenantId;
        this.name = n.length() <= 64 ? n : n.substring(0, 64);
    }

    /** What holds it in this process now (for a refusal's words), if anything. */
    public Optional<String> holder() {
        return Optional.ofNullable(holder.get());
    }

    /**
     * Takes the lock for {@code what} (e.g. {@code retention clean-up}), waiting at most {@code wait}; empty when
     * another maintenance holds it all that time.
     */
    public Optional<Held> acquire(String what, Duration wait) throws SQLException {
        Connection c = dataSource.getConnection();
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, name);
            ps.setDouble(2, Math.max(0, wait.toMillis() / 1000.0));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) == 1) {
                    holder.set(what);
                    return Optional.of(new Held(c));
                }
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        c.close();
        return Optional.empty();
    }
}
