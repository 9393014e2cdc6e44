package br.com.gorgen.backup.it;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation against the real buckets: after a full backup (with a configuration archive) both buckets match
 * the history; an artifact deleted from the secondary bucket and the configuration archive (named only in the
 * manifest) deleted from the primary are reported by backup, bucket and key, and raise one CRITICAL mail.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class ReconciliationTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_reconcile");
        try {
            java.nio.file.Path env = java.nio.file.Files.createTempFile("gorgen-reconcile-", ".env");
            java.nio.file.Files.writeString(env, "DB_PASSWORD=segredo\n");
            bed.with("backup.config.paths", env.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void anObjectDeletedFromTheSecondaryBucketIsACriticalAlert() throws Exception {
        long id = bed.runFullBackup();
        ServiceTestBed.Response clean = bed.postJson("/api/backup/reconcile", ADMIN_KEY, "{}");
        assertThat(clean.status()).as(clean.body()).isEqualTo(200);
        assertThat(clean.json().get("problems")).isEmpty();
        assertThat(clean.json().get("backupsChecked").asInt()).isEqualTo(1);
        // artifact, manifest and configuration archive (named only in the manifest), in two buckets
        assertThat(clean.json().get("objectsChecked").asInt()).isEqualTo(6);
        assertThat(bed.mailSubjects()).noneMatch(s -> s.contains("reconciliação"));

        String artifact = bed.backup(id).get("filePath").asText();
        bed.s3.client().deleteObject(b -> b.bucket(ServiceTestBed.SECONDARY).key(artifact));

        String config = br.com.gorgen.backup.support.Json.mapper().readTree(bed.s3.readString(ServiceTestBed.PRIMARY,
                bed.backup(id).get("manifestPath").asText())).at("/config/key").asText();
        bed.s3.client().deleteObject(b -> b.bucket(ServiceTestBed.PRIMARY).key(config));

        ServiceTestBed.Response found = bed.postJson("/api/backup/reconcile", ADMIN_KEY, "{}");
        assertThat(found.status()).isEqualTo(200);
        JsonNode problems = found.json().get("problems");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(1).get("bucket").asText()).isEqualTo(ServiceTestBed.PRIMARY);
        assertThat(problems.get(1).get("key").asText()).isEqualTo(config);
        assertThat(problems.get(1).get("problem").asText()).isEqualTo("configuration archive missing");
        assertThat(problems.get(0).get("backupId").asLong()).isEqualTo(id);
        assertThat(problems.get(0).get("bucket").asText()).isEqualTo(ServiceTestBed.SECONDARY);
        assertThat(problems.get(0).get("key").asText()).isEqualTo(artifact);
        assertThat(problems.get(0).get("problem").asText()).isEqualTo("artifact missing");
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.startsWith("[GORGEN Backup] CRÍTICO: reconciliação encontrou 2 problema")));

        assertThat(bed.postJson("/api/backup/reconcile", null, "{}").status()).isEqualTo(401);
    }
}
