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
 * The reconciliation against the real buckets: after a full backup both buckets match the history; an artifact
 * deleted from the secondary bucket is reported by backup, bucket and key, and raises one CRITICAL mail.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class ReconciliationTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_reconcile");
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void anObjectDeletedFromTheSecondaryBucketIsACriticalAlert() {
        long id = bed.runFullBackup();
        ServiceTestBed.Response clean = bed.postJson("/api/backup/reconcile", ADMIN_KEY, "{}");
        assertThat(clean.status()).as(clean.body()).isEqualTo(200);
        assertThat(clean.json().get("problems")).isEmpty();
        assertThat(clean.json().get("backupsChecked").asInt()).isEqualTo(1);
        assertThat(clean.json().get("objectsChecked").asInt()).isEqualTo(4); // artifact and manifest, two buckets
        assertThat(bed.mailSubjects()).noneMatch(s -> s.contains("reconciliação"));

        String artifact = bed.backup(id).get("filePath").asText();
        bed.s3.client().deleteObject(b -> b.bucket(ServiceTestBed.SECONDARY).key(artifact));

        ServiceTestBed.Response found = bed.postJson("/api/backup/reconcile", ADMIN_KEY, "{}");
        assertThat(found.status()).isEqualTo(200);
        JsonNode problems = found.json().get("problems");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).get("backupId").asLong()).isEqualTo(id);
        assertThat(problems.get(0).get("bucket").asText()).isEqualTo(ServiceTestBed.SECONDARY);
        assertThat(problems.get(0).get("key").asText()).isEqualTo(artifact);
        assertThat(problems.get(0).get("problem").asText()).isEqualTo("artifact missing");
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.startsWith("[GORGEN Backup] CRÍTICO: reconciliação encontrou 1 problema")));

        assertThat(bed.postJson("/api/backup/reconcile", null, "{}").status()).isEqualTo(401);
    }
}
