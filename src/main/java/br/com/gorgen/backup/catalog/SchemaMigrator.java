package br.com.gorgen.backup.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations of the service's own tables (classpath {@code db/migration/V<n>__<name>.sql}),
 * applied in order and recorded in {@code backup_schema_version}. Statements are separated by a line ending in
 * {@code ;}. A statement preceded by a {@code -- @optional} comment may fail (missing privilege): it is logged as
 * a warning and the migration still counts as applied.
 */
public class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    /** The migrations, in order. Add new files at the end; never edit an applied one. */
    static final List<String> MIGRATIONS = List.of("V1__backup_history.sql", "V2__backup_audit_log.sql",
            "V3__restore_history.sql", "V4__restore_measures.sql", "V5__point_in_time.sql", "V6__documents.sql",
            "V7__documents_content_object.sql", "V8__object_lock.sql", "V9__pins_and_switches.sql");

    private final DataSource dataSource;
    private volatile boolean migrated;

    public SchemaMigrator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Applies pending migrations once per process; cheap after the first success. */
    public void ensureMigrated() throws SQLException {
        if (migrated) {
            return;
        }
        synchronized (this) {
            if (!migrated) {
                migrate();
                migrated = true;
            }
        }
    }

    private void migrate() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS backup_schema_version (version INT PRIMARY KEY, "
                    + "script VARCHAR(200) NOT NULL, applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))");
            Set<Integer> applied = new HashSet<>();
            try (ResultSet rs = st.executeQuery("SELECT version FROM backup_schema_version")) {
                while (rs.next()) {
                    applied.add(rs.getInt(1));
                }
            }
            for (String script : MIGRATIONS) {
                int version = Integer.parseInt(script.substring(1, script.indexOf("__")));
                if (applied.contains(version)) {
                    continue;
                }
                for (Statement_ s : statements(script)) {
                    try {
                        st.execute(s.sql());
                    } catch (SQLException e) {
                        if (!s.optional()) {
                            throw new SQLException("migration " + script + " failed: " + e.getMessage(), e);
                        }
                        LOG.warn("Optional statement of migration {} skipped: {}", script, e.getMessage());
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO backup_schema_version (version, script) VALUES (?, ?)")) {
                    ps.setInt(1, version);
                    ps.setString(2, script);
                    ps.executeUpdate();
                }
                LOG.info("Applied schema migration {}", script);
            }
        }
    }

    private record Statement_(String sql, boolean optional) {
    }

    private static List<Statement_> statements(String script) {
        String text;
        try (InputStream in = SchemaMigrator.class.getResourceAsStream("/db/migration/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration script missing from the build: " + script);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + script, e);
        }
        List<Statement_> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean optional = false;
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("--")) {
                optional |= trimmed.startsWith("-- @optional");
                continue;
            }
            if (trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().trim();
                out.add(new Statement_(sql.substring(0, sql.length() - 1), optional));
                current.setLength(0);
                optional = false;
            }
        }
        return out;
    }
}
