package br.com.gorgen.backup.it;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.support.Sha256;
import br.com.gorgen.backup.testbed.Cli;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration files (an .env and a folder) go with every full backup as an encrypted tar in both buckets; the
 * manifest lists names, sizes and hashes only; nothing in either bucket holds the secrets in plain text; gpg + tar
 * give the files back byte for byte.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class ConfigFilesBackupTest {
    static ServiceTestBed bed;
    static Path app;
    static final String SECRET = "DATABASE_PASSWORD=s3gr3d0-d0-c0nsultori0";

    @BeforeAll
    static void startServices() throws Exception {
        app = Files.createTempDirectory("gorgen-app-");
        Files.writeString(app.resolve(".env"), SECRET + "\nJWT_SECRET=chave-jwt-muito-secreta\n");
        Files.createDirectories(app.resolve("config/tls"));
        Files.writeString(app.resolve("config/app.yml"), "clinica: Gorgen\n");
        Files.writeString(app.resolve("config/tls/key.pem"), "-----BEGIN PRIVATE KEY----- segredo-tls\n");
        bed = new ServiceTestBed("gorgen_config_src");
        bed.with("backup.config.paths", app.resolve(".env") + ", " + app.resolve("config")).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void configurationFilesAreArchivedEncryptedWithTheFullBackupAndRestorable() throws Exception {
        long id = bed.runFullBackup();
        JsonNode row = bed.backup(id);
        JsonNode manifest = Json.mapper().readTree(bed.s3.readString(PRIMARY, row.get("manifestPath").asText()));
        JsonNode config = manifest.get("config");
        assertThat(config.get("files")).extracting(f -> f.get("name").asText())
                .containsExactly(".env", "config/app.yml", "config/tls/key.pem");
        assertThat(config.get("files").get(0).get("sha256").asText()).isEqualTo(Sha256.of(app.resolve(".env")));
        assertThat(manifest.toString()).doesNotContain("s3gr3d0").doesNotContain("segredo-tls");
        String key = config.get("key").asText();
        assertThat(key).endsWith("/config.tar.gz.gpg");
        assertThat(bed.s3.sha256(PRIMARY, key)).isEqualTo(config.get("sha256").asText()).isEqualTo(bed.s3.sha256(SECONDARY, key));

        // no object of either bucket holds the secrets in plain text
        try (Stream<Path> files = Files.walk(bed.s3.baseDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(text).as(f.toString()).doesNotContain("s3gr3d0").doesNotContain("segredo-tls");
            }
        }

        // downloaded over the API and restored with gpg and tar
        HttpResponse<byte[]> download = bed.getBytes("/api/backup/download/" + id + "?artifact=config", MASTER_KEY, null);
        assertThat(download.statusCode()).isEqualTo(200);
        Path work = Files.createTempDirectory("config-restore-");
        Files.write(work.resolve("config.tar.gz.gpg"), download.body());
        Files.createDirectories(work.resolve("out"));
        Cli.Result r = Cli.bash("gpg --batch --quiet --pinentry-mode loopback --passphrase-file " + TestKeys.shared()
                .passphraseFile() + " --decrypt " + work.resolve("config.tar.gz.gpg") + " | tar -xz -C " + work.resolve("out"),
                Map.of("GNUPGHOME", TestKeys.shared().gnupgHome().toString()), 60);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(Files.mismatch(work.resolve("out/.env"), app.resolve(".env"))).isEqualTo(-1L);
        assertThat(Files.mismatch(work.resolve("out/config/tls/key.pem"), app.resolve("config/tls/key.pem"))).isEqualTo(-1L);
    }
}
