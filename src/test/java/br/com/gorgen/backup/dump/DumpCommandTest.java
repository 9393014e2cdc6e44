package br.com.gorgen.backup.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DumpCommandTest {

    private static final Path OPTIONS = Path.of("/tmp/work/client-1.cnf");
    private static final Path WORK = Path.of("/tmp/work");

    @Test
    void optionFileComesFirstAndDatabaseLastAsPlainArgument() {
        DumpCommand cmd = new DumpCommand("mariadb-dump", OPTIONS, "gorgen", false, List.of(), List.of(), WORK);

        assertThat(cmd.commandLine()).containsExactly(
                "mariadb-dump",
                "--defaults-extra-file=/tmp/work/client-1.cnf",
                "--single-transaction", "--quick", "--routines", "--triggers", "--events", "--hex-blob",
                "--default-character-set=utf8mb4", "--max-allowed-packet=1G",
                "--", "gorgen");
        assertThat(cmd.commandLine()).doesNotContain("--databases", "-B");
    }

    @Test
    void binlogIgnoredTablesAndExtraArgs() {
        DumpCommand cmd = new DumpCommand("/usr/bin/mariadb-dump", OPTIONS, "gorgen", true,
                List.of("backup_history", "we.ird"), List.of("--skip-dump-date", "--net-buffer-length=65536"), WORK);

        List<String> argv = cmd.commandLine();
        assertThat(argv.get(1)).startsWith("--defaults-extra-file=");
        assertThat(argv.subList(10, argv.size())).containsExactly(
                "--master-data=2", "--gtid",
                "--ignore-table=gorgen.backup_history", "--ignore-table=gorgen.we.ird",
                "--skip-dump-date", "--net-buffer-length=65536",
                "--", "gorgen");
    }

    @Test
    void relativeOptionFileBecomesAbsolute() {
        DumpCommand cmd = new DumpCommand("mariadb-dump", Path.of("client.cnf"), "db", false, null, null, WORK);
        assertThat(cmd.commandLine().get(1))
                .isEqualTo("--defaults-extra-file=" + Path.of("client.cnf").toAbsolutePath());
        assertThat(cmd.ignoreTables()).isEmpty();
        assertThat(cmd.extraArgs()).isEmpty();
    }

    @Test
    void passwordsOnTheCommandLineAreRefusedWithoutEchoingThem() {
        for (String arg : List.of("-psecret", "-p", "--password=secret", "--pass=secret", "--password")) {
            assertThatThrownBy(() -> new DumpCommand("mariadb-dump", OPTIONS, "db", false, List.of(),
                    List.of(arg), WORK))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("option file")
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void blankNamesAreRefused() {
        assertThatThrownBy(() -> new DumpCommand("mariadb-dump", OPTIONS, " ", false, List.of(), List.of(), WORK))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DumpCommand("", OPTIONS, "db", false, List.of(), List.of(), WORK))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DumpCommand("mariadb-dump", OPTIONS, "db", false, List.of(""), List.of(),
                WORK)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsAreCopied() {
        List<String> ignore = new java.util.ArrayList<>(List.of("a"));
        DumpCommand cmd = new DumpCommand("mariadb-dump", OPTIONS, "db", false, ignore, List.of(), WORK);
        ignore.add("b");
        assertThat(cmd.ignoreTables()).containsExactly("a");
    }
}
