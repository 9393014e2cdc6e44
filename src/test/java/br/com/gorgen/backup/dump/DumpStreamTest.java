package br.com.gorgen.backup.dump;

import static br.com.gorgen.backup.dump.DumpSamples.TRICKY;
import static br.com.gorgen.backup.dump.DumpSamples.TRICKY_ROWS;
import static br.com.gorgen.backup.dump.DumpSamples.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DumpProcess} and {@link DumpStream} driven by small shell scripts standing in for mariadb-dump, to
 * exercise every failure path deterministically (the real program is covered by {@link DumpProcessTest}).
 */
class DumpStreamTest {

    private static final String PASSWORD = "s3cr\"et\\pw";

    @TempDir
    Path dir;
    private Path work;
    private Path dumpFile;
    private MysqlOptionFile options;
    private int scripts;

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createDirectory(dir.resolve("work"));
        dumpFile = dir.resolve("dump.sql");
        Files.write(dumpFile, utf8(TRICKY));
        options = MysqlOptionFile.create(work, "backup", PASSWORD, "127.0.0.1", 3306);
    }

    @Test
    void streamsTheOutputThroughTheInspectorAndVerifiesItAtTheEnd() throws Exception {
        Path args = dir.resolve("args.txt");
        Path exe = fakeDump("""
                printf '%%s\\n' "$@" > '%s'
                cat '%s'
                echo 'mariadb-dump: Warning: something harmless' >&2
                """.formatted(args, dumpFile));

        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        try (DumpStream dump = DumpProcess.start(command(exe))) {
            dump.transferTo(copy);
            assertThat(dump.read()).isEqualTo(-1);

            assertThat(copy.toByteArray()).isEqualTo(utf8(TRICKY));
            assertThat(dump.inspector().rowCounts()).containsExactlyEntriesOf(TRICKY_ROWS);
            assertThat(dump.inspector().completed()).isTrue();
            assertThat(dump.inspector().binlogPosition()).contains(new BinlogPosition("binlog.000005", 53020));
            assertThat(dump.stderrWarnings()).isEqualTo("mariadb-dump: Warning: something harmless");
        }
        List<String> argv = Files.readAllLines(args);
        assertThat(argv.get(0)).isEqualTo(options.defaultsExtraFileOption());
        assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly("--", "shop");
        assertThat(String.join(" ", argv)).doesNotContain(PASSWORD);
        assertThat(filesIn(work)).containsExactly(options.path());
    }

    @Test
    void singleByteReadsAreInspectedToo() throws Exception {
        Path exe = fakeDump("cat '%s'".formatted(dumpFile));
        try (DumpStream dump = DumpProcess.start(command(exe))) {
            int count = 0;
            while (dump.read() != -1) {
                count++;
            }
            assertThat(count).isEqualTo(utf8(TRICKY).length);
            assertThat(dump.inspector().rowCounts()).containsExactlyEntriesOf(TRICKY_ROWS);
            assertThat(dump.inspector().bytes()).isEqualTo(count);
        }
    }

    @Test
    void nonZeroExitFailsWithTheCodeAndFirstStderrLinesButNeverThePassword() throws Exception {
        Path exe = fakeDump("""
                head -c 300 '%s'
                echo "mariadb-dump: Got error: 1045: \\"Access denied for user 'backup'@'localhost' (using password: YES)\\" when trying to connect" >&2
                printf 'debug: the password was %%s\\n' '%s' >&2
                exit 2
                """.formatted(dumpFile, PASSWORD));

        try (DumpStream dump = DumpProcess.start(command(exe))) {
            assertThatThrownBy(() -> dump.transferTo(OutputStreamSink.INSTANCE))
                    .isInstanceOf(DumpFailedIOException.class)
                    .hasMessageStartingWith("mariadb-dump exited with code 2: mariadb-dump: Got error: 1045: "
                            + "\"Access denied for user 'backup'@'localhost' (using password: YES)\"")
                    .hasMessageContaining("the password was ******")
                    .hasMessageNotContaining(PASSWORD)
                    .satisfies(e -> assertThat(((DumpFailedIOException) e).failure())
                            .isInstanceOf(DumpFailedException.class)
                            .hasMessage(e.getMessage()));
            // the failure sticks
            assertThatThrownBy(dump::read).isInstanceOf(DumpFailedIOException.class);
        }
        assertThat(filesIn(work)).containsExactly(options.path());
    }

    @Test
    void missingTrailerMeansTruncated() throws Exception {
        Path exe = fakeDump("head -c 500 '%s'".formatted(dumpFile));
        try (DumpStream dump = DumpProcess.start(command(exe))) {
            assertThatThrownBy(() -> dump.transferTo(OutputStreamSink.INSTANCE))
                    .isInstanceOf(DumpFailedIOException.class)
                    .hasMessage("dump truncated: completion trailer '-- Dump completed' missing after 500 bytes");
            assertThat(dump.inspector().completed()).isFalse();
        }
    }

    @Test
    void dumpWithoutTablesFails() throws Exception {
        Path exe = fakeDump("printf -- '-- MariaDB dump\\n\\n-- Dump completed on 2026-01-05\\n'");
        try (DumpStream dump = DumpProcess.start(command(exe))) {
            assertThatThrownBy(() -> dump.transferTo(OutputStreamSink.INSTANCE))
                    .isInstanceOf(DumpFailedIOException.class)
                    .hasMessage("dump contains no tables");
        }
    }

    @Test
    void hugeStderrIsCappedInTheMessage() throws Exception {
        Path exe = fakeDump("""
                i=0
                while [ $i -lt 20000 ]; do echo "error line $i with some padding to make it longer" >&2; i=$((i+1)); done
                exit 3
                """);
        try (DumpStream dump = DumpProcess.start(command(exe))) {
            assertThatThrownBy(() -> dump.transferTo(OutputStreamSink.INSTANCE))
                    .isInstanceOf(DumpFailedIOException.class)
                    .hasMessageStartingWith("mariadb-dump exited with code 3: error line 0 ")
                    .hasMessageContaining("error line 4 ")
                    .hasMessageNotContaining("error line 5 ")
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1000));
        }
    }

    @Test
    void closeBeforeTheEndKillsTheProgramAndItsChildren() throws Exception {
        Path childPid = dir.resolve("child.pid");
        Path exe = fakeDump("""
                cat '%s'
                sleep 300 &
                echo $! > '%s'
                wait
                """.formatted(dumpFile, childPid));

        DumpStream dump = DumpProcess.start(command(exe));
        byte[] some = dump.readNBytes(100);
        assertThat(some).hasSize(100);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(childPid)
                && !Files.readString(childPid).isBlank());
        long parent = dump.pid();
        long child = Long.parseLong(Files.readString(childPid).strip());
        assertThat(running(parent)).isTrue();
        assertThat(running(child)).isTrue();

        dump.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> !running(parent) && !running(child));
        assertThat(dump.isRunning()).isFalse();
        assertThat(filesIn(work)).containsExactly(options.path());
        assertThatThrownBy(dump::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
        dump.close(); // idempotent
    }

    @Test
    void programThatKeepsRunningAfterItsOutputEndsIsKilledAndReported() throws Exception {
        Path exe = fakeDump("""
                cat '%s'
                exec >&-
                sleep 300
                """.formatted(dumpFile));
        try (DumpStream dump = DumpProcess.start(command(exe), Duration.ofMillis(300))) {
            assertThatThrownBy(() -> dump.transferTo(OutputStreamSink.INSTANCE))
                    .isInstanceOf(DumpFailedIOException.class)
                    .hasMessage("mariadb-dump did not exit within 300 ms after the end of its output");
            assertThat(dump.isRunning()).isFalse();
        }
    }

    @Test
    void missingOptionFileOrProgramFailsClearly() throws Exception {
        DumpCommand noOptions = new DumpCommand("mariadb-dump", work.resolve("nope.cnf"), "shop", false,
                List.of(), List.of(), work);
        assertThatThrownBy(() -> DumpProcess.start(noOptions))
                .isInstanceOf(DumpFailedIOException.class)
                .hasMessageContaining("option file not found");

        DumpCommand noProgram = new DumpCommand(dir.resolve("no-such-dump").toString(), options.path(), "shop",
                false, List.of(), List.of(), work);
        assertThatThrownBy(() -> DumpProcess.start(noProgram))
                .isInstanceOf(DumpFailedIOException.class)
                .hasMessageStartingWith("cannot start no-such-dump: ")
                .hasMessageNotContaining(PASSWORD);
        assertThat(filesIn(work)).containsExactly(options.path());
    }

    @Test
    void toolVersionReturnsTheFirstLine() throws Exception {
        Path ok = fakeDump("printf '\\nfake-dump  Ver 1.2 Distrib 10.11\\nsecond line\\n'");
        assertThat(DumpProcess.toolVersion(ok.toString())).isEqualTo("fake-dump  Ver 1.2 Distrib 10.11");

        Path failing = fakeDump("echo 'unknown option' >&2; exit 7");
        assertThatThrownBy(() -> DumpProcess.toolVersion(failing.toString()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited with code 7")
                .hasMessageContaining("unknown option");

        assertThatThrownBy(() -> DumpProcess.toolVersion(dir.resolve("absent").toString()))
                .isInstanceOf(IOException.class);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private DumpCommand command(Path exe) {
        return new DumpCommand(exe.toString(), options.path(), "shop", true, List.of(), List.of(), work);
    }

    /** Writes an executable shell script named mariadb-dump in a fresh directory. */
    private Path fakeDump(String body) throws IOException {
        Path bin = Files.createDirectory(dir.resolve("bin" + scripts++));
        Path exe = bin.resolve("mariadb-dump");
        Files.writeString(exe, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
        return exe;
    }

    private static List<Path> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    /** Whether a pid is a live (not zombie) process, from /proc. */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Discards bytes. */
    static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
