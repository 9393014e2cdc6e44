package br.com.gorgen.backup.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A throwaway MariaDB server for the tests: its own datadir under target/, a free port on 127.0.0.1, binary logging
 * on (ROW), started once per test JVM and killed when the JVM ends. Users: root over the socket (no password) and
 * {@code backup} over TCP with a password full of special characters.
 */
public final class MariaDbServer {
    public static final String INSTALL_HINT = "install MariaDB with `apt-get install -y mariadb-server mariadb-client` "
            + "(.ci/run does this on a fresh machine)";
    public static final String BACKUP_USER = "backup";
    public static final String BACKUP_PASSWORD = "S3nh@ \"forte\" \\ com ção:/?#";

    private static MariaDbServer instance;
    private static MariaDbServer withoutBinlog;

    private final Path dataDir;
    private final int port;
    private final boolean binlog;
    private Process process;

    private MariaDbServer(Path dataDir, int port, boolean binlog) {
        this.dataDir = dataDir;
        this.port = port;
        this.binlog = binlog;
    }

    public static synchronized MariaDbServer shared() {
        if (instance == null) {
            instance = launch(true);
        }
        return instance;
    }

    /** A second throwaway server with binary logging off (for what the service does without it). */
    public static synchronized MariaDbServer sharedWithoutBinlog() {
        if (withoutBinlog == null) {
            withoutBinlog = launch(false);
        }
        return withoutBinlog;
    }

    private static MariaDbServer launch(boolean binlog) {
        try {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "gorgen-mariadb-");
            MariaDbServer server = new MariaDbServer(dir, freePort(), binlog);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
            return server;
        } catch (IOException e) {
            throw new AssertionError("cannot prepare the test MariaDB server: " + e.getMessage(), e);
        }
    }

    /** A binary-log file of this server as it is on disk (to compare with shipped copies). */
    public Path binlogFile(String name) {
        return dataDir.resolve("data").resolve(name);
    }

    private void start() throws IOException {
        Path mariadbd = Cli.which("mariadbd", "mariadbd not found: " + INSTALL_HINT);
        Path installDb = Cli.which("mariadb-install-db", "mariadb-install-db not found: " + INSTALL_HINT);
        Cli.Result install = Cli.run(List.of(installDb.toString(), "--no-defaults", "--user=root",
                "--auth-root-authentication-method=normal", "--skip-test-db", "--datadir=" + dataDir.resolve("data")),
                Map.of(), 120);
        if (install.exitCode() != 0) {
            throw new AssertionError("mariadb-install-db failed: " + install.stderr());
        }
        List<String> args = new java.util.ArrayList<>(List.of(mariadbd.toString(), "--no-defaults", "--user=root",
                "--datadir=" + dataDir.resolve("data"), "--socket=" + socket(), "--port=" + port,
                "--bind-address=127.0.0.1", "--server-id=101", "--local-infile=1", "--max-allowed-packet=256M",
                "--innodb-buffer-pool-size=128M", "--pid-file=" + dataDir.resolve("mariadbd.pid"),
                "--log-error=" + dataDir.resolve("error.log")));
        if (binlog) {
            args.addAll(List.of("--log-bin=" + dataDir.resolve("data/binlog"), "--binlog-format=ROW"));
        }
        process = new ProcessBuilder(args)
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("stdout.log").toFile()).start();
        await("MariaDB test server on port " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("mariadbd exited: " + Files.readString(dataDir.resolve("error.log")));
                    }
                    try (Connection c = rootConnection(null)) {
                        return c.isValid(2);
                    }
                });
        execRoot(null, "DELETE FROM mysql.global_priv WHERE User = ''", "FLUSH PRIVILEGES",
                "CREATE USER '" + BACKUP_USER + "'@'127.0.0.1' IDENTIFIED BY '" + BACKUP_PASSWORD.replace("\\", "\\\\").replace("'", "\\'") + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + BACKUP_USER + "'@'127.0.0.1' WITH GRANT OPTION");
    }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public int port() {
        return port;
    }

    public Path socket() {
        return dataDir.resolve("mariadb.sock");
    }

    /** DATABASE_URL of a database, as the service expects it (password URL-encoded). */
    public String databaseUrl(String database) {
        return "mysql://" + BACKUP_USER + ":" + java.net.URLEncoder.encode(BACKUP_PASSWORD, StandardCharsets.UTF_8)
                .replace("+", "%20") + "@127.0.0.1:" + port + "/" + database;
    }

    public String databaseUrlWithPassword(String database, String password) {
        return "mysql://" + BACKUP_USER + ":" + password + "@127.0.0.1:" + port + "/" + database;
    }

    public Connection rootConnection(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + (database == null ? "" : database)
                + "?user=root&password=&allowMultiQueries=true&characterEncoding=UTF-8");
    }

    public void execRoot(String database, String... statements) {
        try (Connection c = rootConnection(database); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new AssertionError("SQL failed on the test server: " + e.getMessage(), e);
        }
    }

    /** Creates a fresh database holding the GORGEN-like schema and data of testbed/gorgen-schema.sql. */
    public void createGorgenDatabase(String database) {
        execRoot(null, "DROP DATABASE IF EXISTS `" + database + "`", "CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4");
        String script;
        try (InputStream in = MariaDbServer.class.getResourceAsStream("/testbed/gorgen-schema.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        StringBuilder current = new StringBuilder();
        try (Connection c = rootConnection(database); Statement st = c.createStatement()) {
            for (String line : script.split("\n")) {
                if (line.trim().startsWith("--") || line.isBlank()) {
                    continue;
                }
                current.append(line).append('\n');
                if (line.trim().endsWith(";")) {
                    st.execute(current.toString().trim().replaceAll(";$", ""));
                    current.setLength(0);
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot load the GORGEN schema: " + e.getMessage(), e);
        }
    }

    public void createEmptyDatabase(String database) {
        execRoot(null, "DROP DATABASE IF EXISTS `" + database + "`", "CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4");
    }

    /** Row count of every base table of a database. */
    public Map<String, Long> rowCounts(String database) {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = rootConnection(database); Statement st = c.createStatement()) {
            List<String> tables = new java.util.ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                    + database + "' AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM `" + t + "`")) {
                    rs.next();
                    out.put(t, rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** CHECKSUM TABLE of every base table (the content, independent of the schema name). */
    public Map<String, Long> checksums(String database, List<String> tables) {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = rootConnection(database); Statement st = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + t + "` EXTENDED")) {
                    rs.next();
                    out.put(t, rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    public List<String> names(String database, String sql) {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = rootConnection(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
