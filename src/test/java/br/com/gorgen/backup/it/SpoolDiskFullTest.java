package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.Cli;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The spool disk fills up: {@code BACKUP_DATA_DIR} is a real 768 KiB filesystem (tmpfs, mounted for the test), and a
 * full backup whose encrypted dump is larger, or a documents backup with a large document, ends failed ("No space
 * left on device") with its spool files removed, nothing stored that looks like a backup, and a CRITICAL alert; once
 * what does not fit is gone, the next backup succeeds.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class SpoolDiskFullTest {
    static ServiceTestBed bed;
    static Path small;

    @BeforeAll
    static void startServices() throws Exception {
        bed = new ServiceTestBed("gorgen_disk_full");
        small = Files.createTempDirectory("gorgen-small-fs-");
        Cli.Result mount = Cli.run(List.of("mount", "-t", "tmpfs", "-o", "size=768k", "tmpfs", small.toString()),
                java.util.Map.of(), 30);
        if (mount.exitCode() != 0) {
            throw new AssertionError("cannot mount a small tmpfs for the spool (" + mount.stderr().strip() + "): this "
                    + "test needs root with CAP_SYS_ADMIN, as .ci/run has");
        }
        Files.copy(bed.dataDir.resolve("api-keys"), small.resolve("api-keys"));
        bed.with("backup.data.dir", small.toString()).with("backup.api.keys.file", small.resolve("api-keys").toString())
                .with("documents.s3.bucket", ServiceTestBed.DOCUMENTS).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
        Cli.run(List.of("umount", "--lazy", small.toString()), java.util.Map.of(), 30);
    }

    static JsonNode run(String type) {
        ServiceTestBed.Response r = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"" + type + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        long id = r.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(120)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
        return bed.backup(id);
    }

    static void failedForSpace(JsonNode row) throws Exception {
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("failed");
        assertThat(row.get("errorMessage").asText()).as(row.toString()).containsIgnoringCase("no space left");
        String path = row.get("filePath").asText();
        String folder = path.substring(0, path.lastIndexOf('/') + 1);
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            assertThat(bed.s3.keys(bucket, folder)).noneMatch(k -> k.endsWith(".json") || k.endsWith(".gpg"));
        }
        try (var spool = Files.list(small.resolve("spool"))) {
            assertThat(spool).as("spool files removed").isEmpty();
        }
        long id = row.get("id").asLong();
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("CRÍTICO") && s.contains("#" + id + " ")));
    }

    @Test
    void aFullBackupLargerThanTheSpoolFailsCleanlyAndTheNextOneSucceeds() throws Exception {
        bed.db.execRoot(bed.database, "CREATE TABLE anexos (id INT PRIMARY KEY AUTO_INCREMENT, dados TEXT)",
                "INSERT INTO anexos (dados) SELECT TO_BASE64(RANDOM_BYTES(1000)) FROM atendimentos LIMIT 1500");
        failedForSpace(run("full"));
        bed.db.execRoot(bed.database, "DROP TABLE anexos");
        assertThat(run("full").get("status").asText()).isEqualTo("success");
    }

    @Test
    void aDocumentsBackupWithADocumentLargerThanTheSpoolFailsCleanlyAndTheNextOneSucceeds() throws Exception {
        byte[] large = new byte[2 << 20];
        new Random(5).nextBytes(large);
        bed.s3.client().putObject(r -> r.bucket(ServiceTestBed.DOCUMENTS).key("pacientes/1/tomografia.dcm"),
                RequestBody.fromBytes(large));
        bed.s3.client().putObject(r -> r.bucket(ServiceTestBed.DOCUMENTS).key("pacientes/1/receita.pdf"),
                RequestBody.fromBytes(new byte[5000]));
        failedForSpace(run("documents-full"));
        bed.s3.client().deleteObject(r -> r.bucket(ServiceTestBed.DOCUMENTS).key("pacientes/1/tomografia.dcm"));
        assertThat(run("documents-full").get("status").asText()).isEqualTo("success");
    }
}
