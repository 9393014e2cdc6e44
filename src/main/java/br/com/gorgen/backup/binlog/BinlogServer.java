package br.com.gorgen.backup.binlog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import br.com.gorgen.backup.settings.DatabaseUrl;

/**
 * What the source server says about its binary logs, over plain SQL: whether logging is on, in which format, the
 * server's identity, the file being written and the files it still has. Needs {@code BINLOG MONITOR} (MariaDB) or
 * {@code REPLICATION CLIENT} (MySQL) to list, {@code RELOAD} to rotate.
 */
public class BinlogServer {
    /** One file of {@code SHOW BINARY LOGS}. */
    public record LogFile(String name, long size) {
    }

    /** The server's binary-log state at one moment. {@code files} excludes nothing: the current file is in it. */
    public record State(boolean logBin, String format, long serverId, String serverUuid, String version, String currentFile,
            long currentPosition, List<LogFile> files, String gtidPosition) {

        /** Files other than the one being written, oldest first: only those are complete and can be shipped. */
        public List<LogFile> closedFiles() {
            return files.stream().filter(f -> !f.name().equals(currentFile)).toList();
        }

        /**
         * What identifies "something was written": the GTID position where the server has one (MariaDB appends a
         * checkpoint event to a new file shortly after a rotation, which moves the file position without any write),
         * else the file and position.
         */
        public String writeMark() {
            return gtidPosition != null ? "gtid:" + gtidPosition : "pos:" + currentFile + ":" + currentPosition;
        }

        /** The identity used in the catalog and in object keys. */
        public String sourceId() {
            return br.com.gorgen.backup.catalog.BinlogCoordinates.sourceId(serverId);
        }
    }

    private final DatabaseUrl server;

    public BinlogServer(DatabaseUrl server) {
        this.server = server;
    }

    public DatabaseUrl url() {
        return server;
    }

    public State read() throws SQLException {
        try (Connection c = server.connect(null); Statement st = c.createStatement()) {
            boolean logBin = false;
            String format = null;
            long serverId = 0;
            String uuid = null;
            String version = null;
            try (ResultSet rs = st.executeQuery("SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, @@GLOBAL.server_id, VERSION()")) {
                if (rs.next()) {
                    logBin = rs.getInt(1) == 1;
                    format = rs.getString(2);
                    serverId = rs.getLong(3);
                    version = rs.getString(4);
                }
            }
            try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES LIKE 'server\\_uuid'")) {
                if (rs.next()) {
                    uuid = rs.getString(2);
                }
            }
            if (!logBin) {
                return new State(false, format, serverId, uuid, version, null, 0, List.of(), null);
            }
            String current = null;
            long position = 0;
            try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                if (rs.next()) {
                    current = rs.getString(1);
                    position = rs.getLong(2);
                }
            }
            List<LogFile> files = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    files.add(new LogFile(rs.getString(1), rs.getLong(2)));
                }
            }
            String gtid = null;
            try (ResultSet rs = st.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
                if (rs.next()) {
                    gtid = rs.getString(1);
                }
            } catch (SQLException e) {
                gtid = null; // MySQL: no such variable; the position decides
            }
            return new State(true, format, serverId, uuid, version, current, position, files, gtid);
        }
    }

    /** Closes the current file and starts a new one, so that everything written so far can be shipped. */
    public void rotate() throws SQLException {
        server.execute("FLUSH BINARY LOGS");
    }
}
