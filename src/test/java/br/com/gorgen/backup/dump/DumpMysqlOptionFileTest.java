package br.com.gorgen.backup.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests of {@link MysqlOptionFile} (named Dump* so that the package's test filter picks it up). */
class DumpMysqlOptionFileTest {

    private static final String PASSWORD = "p@ss\"w\\rd'x #;=";

    @TempDir
    Path dir;

    @Test
    void writesAQuotedClientSectionReadableOnlyByTheOwner() throws Exception {
        try (MysqlOptionFile file = MysqlOptionFile.create(dir, "backup", PASSWORD, "db.local", 3307)) {
            Path path = file.path();
            assertThat(path.getParent()).isEqualTo(dir);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
            assertThat(Files.readString(path, StandardCharsets.UTF_8)).isEqualTo("""
                    [client]
                    user="backup"
                    password="p@ss\\"w\\\\rd'x #;="
                    host="db.local"
                    port=3307
                    """);
            assertThat(file.defaultsExtraFileOption()).isEqualTo("--defaults-extra-file=" + path.toAbsolutePath());
            assertThat(file.toString()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void closeDeletesTheFileAndIsIdempotent() throws Exception {
        MysqlOptionFile file = MysqlOptionFile.create(dir, "u", "p", "h", 3306);
        assertThat(file.path()).exists();
        file.close();
        assertThat(file.path()).doesNotExist();
        file.close();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void passwordCanBeReadBackForRedaction() throws Exception {
        try (MysqlOptionFile file = MysqlOptionFile.create(dir, "u", PASSWORD, "h", 3306)) {
            assertThat(MysqlOptionFile.readPassword(file.path())).contains(PASSWORD);
        }
        try (MysqlOptionFile file = MysqlOptionFile.create(dir, "u", null, "h", 3306)) {
            assertThat(Files.readString(file.path())).doesNotContain("password");
            assertThat(MysqlOptionFile.readPassword(file.path())).isEmpty();
        }
        assertThat(MysqlOptionFile.readPassword(dir.resolve("missing.cnf"))).isEmpty();
    }

    @Test
    void lineBreaksAreRefusedWithoutEchoingTheValue() {
        assertThatThrownBy(() -> MysqlOptionFile.create(dir, "u", "sec\nret", "h", 3306))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password")
                .hasMessageNotContaining("sec");
        assertThatThrownBy(() -> MysqlOptionFile.create(dir, "u", "p", "h", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void redactorMasksThePassword() {
        SecretRedactor redactor = new SecretRedactor(java.util.List.of(PASSWORD, MysqlOptionFile.escape(PASSWORD)));
        assertThat(redactor.redact("x " + PASSWORD + " y " + MysqlOptionFile.escape(PASSWORD)))
                .isEqualTo("x ****** y ******");
        assertThat(SecretRedactor.none().redact("abc")).isEqualTo("abc");
    }
}
