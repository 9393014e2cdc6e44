package br.com.gorgen.backup.dump;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import br.com.gorgen.backup.settings.DatabaseUrl;

/**
 * What the source server is and what the database holds besides table rows (views, routines, triggers, events),
 * read just before the dump for the manifest, so that a restore can be checked against it.
 */
public record SourceInfo(String host, int port, String database, String serverVersion, long serverId,
        boolean binlogEnabled, String binlogFormat, List<String> tables, List<String> views, List<String> routines,
        List<String> triggers, List<String> events) {

    public static final String PROPERTY = "BackupSourceInfo";

    /** @param excludedTables tables left out of the dump (their triggers are left out of the inventory too) */
    public static SourceInfo read(DatabaseUrl db, List<String> excludedTables) throws SQLException {
        try (Connection c = db.connect(null); Statement st = c.createStatement()) {
            String version;
            long serverId;
            boolean logBin;
            String format;
            try (ResultSet rs = st.executeQuery("SELECT VERSION(), @@server_id, @@log_bin, @@binlog_format")) {
                rs.next();
                version = rs.getString(1);
                serverId = rs.getLong(2);
                logBin = rs.getInt(3) == 1;
                format = rs.getString(4);
            }
            String schema = db.database();
            return new SourceInfo(db.host(), db.port(), schema, version, serverId, logBin, format,
                    names(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1", schema),
                    names(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'VIEW' ORDER BY 1", schema),
                    names(c, "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY 1", schema),
                    names(c, "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY 1", schema)
                            .stream().filter(t -> !excludedTables.contains(t.substring(t.indexOf('\t') + 1)))
                            .map(t -> t.substring(0, t.indexOf('\t'))).toList(),
                    names(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY 1", schema));
        }
    }

    private static List<String> names(Connection c, String sql, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    out.add(columns == 1 ? rs.getString(1) : rs.getString(1) + "\t" + rs.getString(2));
                }
            }
        }
        return out;
    }
}
