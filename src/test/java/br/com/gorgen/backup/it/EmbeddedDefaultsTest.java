package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.Cli;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing but a database configured: the service generates its key pair, stores both copies in the embedded
 * S3-compatible store under data/s3, and notifies in the log. The generated key decrypts the backup with plain gpg.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class EmbeddedDefaultsTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_embedded");
        for (String key : List.of("backup.s3.endpoint", "backup.s3.access.key", "backup.s3.secret.key", "backup.s3.bucket",
                "backup.s3.secondary.endpoint", "backup.s3.secondary.access.key", "backup.s3.secondary.secret.key",
                "backup.s3.secondary.bucket", "backup.pgp.public.key.file", "smtp.host", "backup.alert.email")) {
            bed.without(key);
        }
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void backsUpWithAGeneratedKeyIntoTheEmbeddedStore(@TempDir Path gnupg) throws Exception {
        Path keys = bed.dataDir.resolve("keys");
        assertThat(keys.resolve("backup-public.asc")).exists();
        assertThat(Files.getPosixFilePermissions(keys.resolve("backup-private.asc")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(keys.resolve("backup-private.passphrase")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        long id = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}").json().get("id").asLong();
        await().atMost(Duration.ofSeconds(90)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
        JsonNode row = bed.backup(id);
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("success");

        String key = row.get("filePath").asText();
        Path primary = bed.dataDir.resolve("s3/gorgen-backup-primary").resolve(key);
        Path secondary = bed.dataDir.resolve("s3/gorgen-backup-secondary").resolve(key);
        assertThat(primary).exists();
        assertThat(Files.readAllBytes(secondary)).isEqualTo(Files.readAllBytes(primary));
        assertThat(bed.dataDir.resolve("s3/gorgen-backup-primary").resolve(row.get("manifestPath").asText())).exists();
        try (Stream<Path> files = Files.walk(bed.dataDir.resolve("s3"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.endsWith(".gpg") || n.equals("manifest.json"));
        }

        Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("GNUPGHOME", gnupg.toString());
        Cli.bash("gpg --batch --import " + keys.resolve("backup-private.asc"), env, 60);
        Path sql = gnupg.resolve("restored.sql");
        Cli.bash("gpg --batch --quiet --pinentry-mode loopback --passphrase-file " + keys.resolve("backup-private.passphrase")
                + " --decrypt " + primary + " | gunzip > " + sql, env, 60);
        assertThat(Files.readString(sql)).contains("MariaDB dump").contains("INSERT INTO `pacientes`")
                .doesNotContain("CREATE DATABASE").doesNotContain("\nUSE `").endsWith("\n");
    }
}
