package br.com.gorgen.backup.configfiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the configuration archive takes from the configured paths, on a real filesystem with real links. */
class ConfigFilesArchiverTest {
    @TempDir
    Path dir;

    @Test
    void aSymbolicLinkIsFollowedAndItsTargetArchivedUnderTheLinksName() throws Exception {
        Path real = Files.writeString(dir.resolve("env.production"), "DB_PASSWORD=x\n");
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.createSymbolicLink(app.resolve(".env"), real);
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createSymbolicLink(conf.resolve("tls.pem"), Files.writeString(dir.resolve("cert.pem"), "pem\n"));
        var files = new ConfigFilesArchiver(List.of(app.resolve(".env"), conf), null).collect();
        assertThat(files).containsOnlyKeys(".env", "conf/tls.pem");
        assertThat(Files.readString(files.get(".env"))).isEqualTo("DB_PASSWORD=x\n");
    }

    @Test
    void aPathThatYieldsNoRegularFileFailsTheBackup() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> new ConfigFilesArchiver(List.of(empty), null).collect())
                .hasMessageContaining("holds no regular file");
        Path broken = dir.resolve(".env");
        Files.createSymbolicLink(broken, dir.resolve("gone"));
        assertThatThrownBy(() -> new ConfigFilesArchiver(List.of(broken), null).collect())
                .hasMessageContaining("does not exist").hasMessageContaining("symbolic link to nothing");
        assertThatThrownBy(() -> new ConfigFilesArchiver(List.of(dir.resolve("missing")), null).collect())
                .hasMessageContaining("does not exist");
    }
}
