package br.com.gorgen.backup.restore;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.testbed.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A dump that is not what the service wrote (anyone who can write to a bucket can write one) must not reach the
 * shell: the real {@code mariadb} client, run as restores run it, refuses {@code \!} with {@code --sandbox}; the same
 * stream without it runs the command (which shows the check is real).
 */
class ClientSandboxTest {
    @TempDir
    Path dir;

    final MariaDbServer db = MariaDbServer.shared();

    long load(boolean sandbox, Path marker) throws Exception {
        db.createEmptyDatabase("gorgen_sandbox");
        DatabaseRestorer restorer = new DatabaseRestorer(DatabaseUrl.parse(db.databaseUrl("gorgen_sandbox")), "mariadb",
                null, dir, true, sandbox, null);
        String sql = "CREATE TABLE t (i INT);\n\\! touch " + marker + "\nINSERT INTO t VALUES (1);\n";
        return restorer.loadSql(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)), "gorgen",
                "gorgen_sandbox").rewritten();
    }

    @Test
    void aShellLineInADumpIsRefusedInTheSandbox() throws Exception {
        Path marker = dir.resolve("pwned");
        assertThatThrownBy(() -> load(true, marker)).isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("sandbox");
        assertThat(marker).doesNotExist();

        load(false, marker);
        assertThat(Files.exists(marker)).as("without --sandbox the client runs it").isTrue();
    }
}
