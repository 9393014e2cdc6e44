package br.com.gorgen.backup.it;

import java.time.Duration;
import java.util.Random;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.S3Server;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backup buckets' server goes down in the middle of a documents backup (the documents live on another server):
 * the backup ends failed with a CRITICAL alert and no snapshot, never success with documents missing; once the server
 * is back, the next backup succeeds.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class DocumentsStorageOutageTest {
    static ServiceTestBed bed;
    static S3Server application;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_documents_outage");
        application = new S3Server("app-documents");
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[20_000 + random.nextInt(20_000)];
            random.nextBytes(b);
            application.client().putObject(PutObjectRequest.builder().bucket("app-documents").key("docs/" + i + ".pdf").build(),
                    RequestBody.fromBytes(b));
        }
        bed.with("documents.s3.bucket", "app-documents").with("documents.s3.endpoint", application.endpoint())
                .with("documents.s3.access.key", S3Server.ACCESS_KEY).with("documents.s3.secret.key", S3Server.SECRET_KEY)
                .with("backup.documents.parallelism", "2")
                .with("backup.documents.pack.size", "100000") // packs of ~3 documents: many uploads, an outage amid them
                .applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
        application.close();
    }

    private static long contentObjects() {
        return bed.s3.keys(PRIMARY, "gorgen-backup/tenant-1/documents/packs/").stream().filter(k -> k.endsWith(".gpg")).count();
    }

    @Test
    void anOutageInTheMiddleFailsTheBackupWithoutASnapshotAndTheNextOneSucceeds() {
        ServiceTestBed.Response r = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"documents-full\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        long id = r.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> contentObjects() >= 5);
        bed.s3.stop();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
        } finally {
            bed.s3.start();
        }
        JsonNode failed = bed.backup(id);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("errorMessage").asText()).contains("storage");
        String folder = failed.get("filePath").asText().replaceAll("snapshot.jsonl.gz.gpg$", "");
        assertThat(bed.s3.keys(PRIMARY, folder)).noneMatch(k -> k.endsWith(".gpg") || k.endsWith(".json"));
        assertThat(bed.s3.keys(SECONDARY, folder)).noneMatch(k -> k.endsWith(".gpg") || k.endsWith(".json"));
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("CRÍTICO") && s.contains("#" + id)));

        ServiceTestBed.Response again = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"documents-incremental\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        long next = again.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(120)).until(() -> !bed.backup(next).get("status").asText().equals("running"));
        assertThat(bed.backup(next).get("status").asText()).isEqualTo("success");
    }
}
