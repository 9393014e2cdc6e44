package br.com.gorgen.backup.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import br.com.gorgen.backup.testbed.Cli;
import br.com.gorgen.backup.testbed.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integration test against the real, throwaway MariaDB test server shared by the test JVM
 * ({@link MariaDbServer#shared()}): the real {@code mariadb-dump} output is streamed, inspected, checked and restored.
 * Its databases and its user are prefixed with {@code dumptest} so they never clash with other test classes.
 */
class DumpProcessTest {

    private static final String USER = "dumptest";
    private static final String SHOP = "dumptest_shop";
    private static final String EMPTY_DB = "dumptest_empty_db";
    private static final String RESTORED = "dumptest_shop_restored";
    /** A password with every character that is hard to quote. */
    private static final String PASSWORD = "p@ss\"w\\rd'x";
    private static final String TRICKY_TEXT = "a),(b \\') ; VALUES (1),(2) -- Dump completed";
    private static final String ACCENTED = "José da Conceição — ação 😀 \"aspas\"";
    private static final int BULK_ROWS = 20_000;

    @TempDir
    static Path tmp;

    private static int port;
    private static String dumpExe;
    private static String clientExe;

    @BeforeAll
    static void createSchemaOnSharedServer() throws Exception {
        MariaDbServer server = MariaDbServer.shared(); // fails with an install hint when mariadbd is missing
        port = server.port();
        dumpExe = Cli.which("mariadb-dump", MariaDbServer.INSTALL_HINT).toString();
        clientExe = Cli.which("mariadb", MariaDbServer.INSTALL_HINT).toString();
        dropSchema();
        createSchema();
    }

    @AfterAll
    static void dropSchemaFromSharedServer() throws Exception {
        dropSchema();
    }

    @Test
    void realDumpHasRowCountsBinlogPositionGtidAndRestoresIntoAnotherSchema() throws Exception {
        Path work = workDir();
        Path dumpFile = work.resolve("shop.sql");
        DumpInspector inspector;
        try (MysqlOptionFile options = options(PASSWORD);
             DumpStream dump = DumpProcess.start(command(options, SHOP, true, List.of()));
             OutputStream out = Files.newOutputStream(dumpFile)) {
            dump.transferTo(out);
            inspector = dump.inspector();
            System.out.println("stderr warnings: '" + dump.stderrWarnings() + "'");
        }

        assertThat(inspector.rowCounts()).containsExactlyEntriesOf(expectedRows());
        assertThat(inspector.completed()).isTrue();
        assertThat(inspector.bytes()).isEqualTo(Files.size(dumpFile));
        assertThat(inspector.binlogPosition()).isPresent();
        BinlogPosition position = inspector.binlogPosition().orElseThrow();
        assertThat(position.file()).startsWith("binlog.");
        assertThat(position).isEqualTo(masterStatus()); // nothing was written since the dump
        String serverGtid = currentGtid();
        assertThat(inspector.gtidPosition()).hasValueSatisfying(
                gtid -> assertThat(gtid).matches("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*").isEqualTo(serverGtid));

        String text = Files.readString(dumpFile, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("CREATE DATABASE").doesNotContain("USE `" + SHOP + "`").contains("ação 😀")
                .contains("\nINSERT INTO `audit` VALUES (NEW.id);\n"); // trigger body: not counted as rows
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files.toList()).containsExactly(dumpFile); // the stderr file is gone
        }

        restore(dumpFile, RESTORED);
        for (String table : List.of("patients", "audit", "bulk", "empty_t", "we`ird")) {
            assertThat(contents(RESTORED, table)).as(table).isEqualTo(contents(SHOP, table));
        }
    }

    @Test
    void ignoredTablesAndDumpWithoutBinlogCoordinates() throws Exception {
        try (MysqlOptionFile options = options(PASSWORD);
             DumpStream dump = DumpProcess.start(command(options, SHOP, false, List.of("bulk", "we`ird")))) {
            dump.transferTo(OutputStream.nullOutputStream());
            Map<String, Long> expected = new LinkedHashMap<>(expectedRows());
            expected.remove("bulk");
            expected.remove("we`ird");
            assertThat(dump.inspector().rowCounts()).containsExactlyEntriesOf(expected);
            assertThat(dump.inspector().binlogPosition()).isEmpty();
            assertThat(dump.inspector().gtidPosition()).isEmpty();
        }
    }

    @Test
    void wrongPasswordFailsWithExitCodeAndAccessDeniedButNoPassword() throws Exception {
        String wrong = "wr0ng\"pa$$\\word";
        try (MysqlOptionFile options = options(wrong);
             DumpStream dump = DumpProcess.start(command(options, SHOP, true, List.of()))) {
            assertThatThrownBy(() -> dump.transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(DumpFailedIOException.class)
                    .hasMessageStartingWith("mariadb-dump exited with code 2: ")
                    .hasMessageContaining("Access denied")
                    .hasMessageNotContaining(wrong)
                    .hasMessageNotContaining(PASSWORD)
                    .satisfies(e -> assertThat(((DumpFailedIOException) e).failure())
                            .isInstanceOf(DumpFailedException.class)
                            .hasMessage(e.getMessage()));
        }
    }

    @Test
    void passwordIsNotOnTheCommandLineWhileTheDumpRuns() throws Exception {
        try (MysqlOptionFile options = options(PASSWORD)) {
            DumpStream dump = DumpProcess.start(command(options, SHOP, true, List.of()));
            try {
                // the bulk table is far larger than the pipe buffer: unread, the dump blocks and stays alive
                byte[] first = dump.readNBytes(4096);
                assertThat(first).hasSize(4096);
                assertThat(dump.isRunning()).isTrue();
                Path proc = Path.of("/proc", Long.toString(dump.pid()));
                String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                        .replace('\0', ' ');
                assertThat(dump.isRunning()).as("still running after reading its command line").isTrue();

                assertThat(cmdline).startsWith(dumpExe + " --defaults-extra-file=" + options.path() + " ")
                        .contains("--single-transaction").endsWith(" -- " + SHOP + " ")
                        .doesNotContain(PASSWORD).doesNotContain("p@ss").doesNotContain("--password");
                String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                assertThat(environ).doesNotContain("p@ss");
            } finally {
                dump.close(); // aborts the unfinished dump
            }
            long pid = dump.pid();
            await().atMost(Duration.ofSeconds(10)).until(() -> !DumpStreamTest.running(pid));
        }
    }

    @Test
    void nonexistentDatabaseFailsClearly() throws Exception {
        try (MysqlOptionFile options = options(PASSWORD);
             DumpStream dump = DumpProcess.start(command(options, "no_such_db", true, List.of()))) {
            assertThatThrownBy(() -> dump.transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(DumpFailedIOException.class)
                    .hasMessageStartingWith("mariadb-dump exited with code 2: ")
                    .hasMessageContaining("'no_such_db'")
                    .hasMessageNotContaining(PASSWORD);
        }
    }

    @Test
    void databaseWithoutTablesFails() throws Exception {
        try (MysqlOptionFile options = options(PASSWORD);
             DumpStream dump = DumpProcess.start(command(options, EMPTY_DB, true, List.of()))) {
            assertThatThrownBy(() -> dump.transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(DumpFailedIOException.class)
                    .hasMessage("dump contains no tables");
        }
    }

    @Test
    void toolVersionNamesTheProgram() throws Exception {
        assertThat(DumpProcess.toolVersion(dumpExe)).startsWith("mariadb-dump").contains("MariaDB");
    }

    // ---- schema ---------------------------------------------------------------------------------------------

    /** Removes this test's databases and user (left over from an earlier run, or when the class is done). */
    private static void dropSchema() {
        List<String> statements = new ArrayList<>();
        for (String db : List.of(SHOP, EMPTY_DB, RESTORED)) {
            statements.add("DROP DATABASE IF EXISTS `" + db + "`");
        }
        for (String host : List.of("localhost", "127.0.0.1")) {
            statements.add("DROP USER IF EXISTS '" + USER + "'@'" + host + "'");
        }
        MariaDbServer.shared().execRoot(null, statements.toArray(String[]::new));
    }

    private static void createSchema() throws SQLException {
        try (Connection c = root(); Statement st = c.createStatement()) {
            // the shared server has no anonymous accounts (MariaDbServer removes them), so USER@localhost works
            st.execute("CREATE DATABASE " + SHOP + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            st.execute("CREATE DATABASE " + EMPTY_DB);
            st.execute("USE " + SHOP);
            st.execute("CREATE TABLE patients (id INT PRIMARY KEY, name VARCHAR(200), note TEXT, photo BLOB)");
            st.execute("CREATE TABLE audit (patient_id INT)");
            st.execute("CREATE TABLE empty_t (id INT)");
            st.execute("CREATE TABLE `we``ird` (id INT PRIMARY KEY, label VARCHAR(20))");
            st.execute("CREATE TABLE bulk (id INT PRIMARY KEY, filler VARCHAR(200))");
            // the body has an INSERT at the start of a line: the inspector must not count it as table data
            st.execute("CREATE TRIGGER patients_audit AFTER INSERT ON patients FOR EACH ROW BEGIN\n"
                    + "INSERT INTO `audit` VALUES (NEW.id);\nEND");
            st.execute("CREATE VIEW patient_names AS SELECT id, name FROM patients");

            String[] texts = {ACCENTED, TRICKY_TEXT, "multi\nline\r\ttext\0nul", "", null};
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO patients VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < texts.length; i++) {
                    insert.setInt(1, i + 1);
                    insert.setString(2, texts[i]);
                    insert.setString(3, texts[(i + 1) % texts.length]);
                    insert.setBytes(4, i % 2 == 0 ? allBytes() : null);
                    insert.executeUpdate();
                }
            }
            st.execute("INSERT INTO `we``ird` VALUES (1, 'um'), (2, 'dois')");
            st.execute("INSERT INTO bulk SELECT seq, CONCAT('row ', seq, ' ', REPEAT('x', 100)) FROM seq_1_to_"
                    + BULK_ROWS);

            for (String host : List.of("localhost", "127.0.0.1")) {
                try (PreparedStatement create = c.prepareStatement("CREATE USER ?@? IDENTIFIED BY ?")) {
                    create.setString(1, USER);
                    create.setString(2, host);
                    create.setString(3, PASSWORD);
                    create.execute();
                }
                for (String db : List.of(SHOP, EMPTY_DB)) {
                    st.execute("GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES ON " + db + ".* TO '"
                            + USER + "'@'" + host + "'");
                }
                st.execute("GRANT RELOAD, BINLOG MONITOR ON *.* TO '" + USER + "'@'" + host + "'");
            }
        }
    }

    private static Map<String, Long> expectedRows() {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("audit", 5L);
        rows.put("bulk", (long) BULK_ROWS);
        rows.put("empty_t", 0L);
        rows.put("patients", 5L);
        rows.put("we`ird", 2L);
        return rows;
    }

    private static byte[] allBytes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static MysqlOptionFile options(String password) throws IOException {
        return MysqlOptionFile.create(tmp, USER, password, "127.0.0.1", port);
    }

    private static DumpCommand command(MysqlOptionFile options, String db, boolean binlog, List<String> ignore)
            throws IOException {
        return new DumpCommand(dumpExe, options.path(), db, binlog, ignore, List.of(), workDir());
    }

    private static Path workDir() throws IOException {
        return Files.createTempDirectory(tmp, "work-");
    }

    private static Connection root() throws SQLException {
        return MariaDbServer.shared().rootConnection(null);
    }

    private static BinlogPosition masterStatus() throws SQLException {
        try (Connection c = root(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            assertThat(rs.next()).isTrue();
            return new BinlogPosition(rs.getString("File"), rs.getLong("Position"));
        }
    }

    private static String currentGtid() throws SQLException {
        try (Connection c = root(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Every row of a table, as text (binary columns in hex), ordered. */
    private static List<String> contents(String db, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = root(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM `" + db + "`.`" + table.replace("`", "``")
                     + "` ORDER BY 1")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    byte[] value = rs.getBytes(i);
                    row.append(value == null ? "NULL" : java.util.HexFormat.of().formatHex(value)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static void restore(Path dumpFile, String db) throws Exception {
        try (Connection c = root(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        Path log = tmp.resolve("restore.log");
        Process restore = new ProcessBuilder(clientExe, "--no-defaults", "--user=root", "--host=127.0.0.1",
                "--port=" + port, db)
                .redirectInput(dumpFile.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(restore.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(restore.exitValue()).as(Files.readString(log)).isZero();
    }
}
