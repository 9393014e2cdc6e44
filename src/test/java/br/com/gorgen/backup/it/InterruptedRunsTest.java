package br.com.gorgen.backup.it;

import java.util.List;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stop of the service leaves in the catalog, put right at the next start (each test method starts the service
 * anew on the same catalog and buckets): a backup whose manifest was stored in both buckets before its row was closed
 * is closed as success, one whose manifest reached only one bucket is failed; pins of the stopped process are
 * released; a removal it had claimed is finished; a switch of production it left in the middle is rolled back; and a
 * backup recorded failed although it is complete in both buckets is closed as success by the clean-up, not removed.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InterruptedRunsTest {
    static ServiceTestBed bed;
    static long whole;
    static long half;
    static long claimed;
    static long failedButWhole;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_interrupted");
        // the newest finished backup is the half one, failed: with the default guard (3 successful fulls) nothing of
        // the database family would be cleaned at all
        bed.with("backup.retention.min.successful.fulls", "1").applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    static void sql(String... statements) {
        bed.db.execRoot(bed.database, statements);
    }

    @Test
    @Order(1)
    void beforeTheStop() {
        whole = bed.runFullBackup();
        half = bed.runFullBackup();
        claimed = bed.runFullBackup();
        failedButWhole = bed.runFullBackup();
        // as the stop left them: two rows never closed (one manifest reached only the primary), a pin of the stopped
        // process, a removal claimed and not finished, a switch of production stopped while staging
        sql("UPDATE backup_history SET status = 'running', completed_at = NULL WHERE id IN (" + whole + ", " + half + ")",
                "INSERT INTO backup_pin (tenant_id, backup_id, owner, instance_id) VALUES (1, " + whole
                        + ", 'restore #77', 'a-process-that-is-gone')",
                "UPDATE backup_history SET status = 'expiring' WHERE id = " + claimed,
                "INSERT INTO production_switch (restore_id, tenant_id, production_database, staging_database, "
                        + "previous_database, phase) VALUES (77, 1, '" + bed.database + "', 'gorgen_interrupted_staged', "
                        + "'gorgen_interrupted_before_restore_x', 'staging')",
                "UPDATE backup_history SET status = 'failed', error_message = 'database error: the catalog was down', "
                        + "started_at = started_at - INTERVAL 30 DAY, snapshot_at = snapshot_at - INTERVAL 30 DAY "
                        + "WHERE id = " + failedButWhole);
        bed.db.createGorgenDatabase("gorgen_interrupted_staged");
        bed.s3.client().deleteObject(b -> b.bucket(SECONDARY).key(bed.backup(half).get("manifestPath").asText()));
    }

    @Test
    @Order(2)
    void afterTheStartEverythingIsPutRight() {
        JsonNode w = bed.backup(whole);
        assertThat(w.get("status").asText()).isEqualTo("success");
        assertThat(w.get("notes").asText()).contains("closed from its manifest");
        JsonNode h = bed.backup(half);
        assertThat(h.get("status").asText()).isEqualTo("failed");
        assertThat(h.get("errorMessage").asText()).contains("interrupted");
        assertThat(bed.db.names(bed.database, "SELECT COUNT(*) FROM backup_pin")).containsExactly("0");
        JsonNode c = bed.backup(claimed);
        assertThat(c.get("status").asText()).isEqualTo("expired");
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            assertThat(bed.s3.keys(bucket, c.get("manifestPath").asText())).isEmpty();
        }
        assertThat(bed.db.names(bed.database, "SELECT phase FROM production_switch WHERE restore_id = 77"))
                .containsExactly("rolled-back");
        assertThat(bed.db.names(null, "SHOW DATABASES")).doesNotContain("gorgen_interrupted_staged");

        // the clean-up meets a 'failed' backup past its grace that is whole in both buckets: closed, not removed
        JsonNode report = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "").json();
        assertThat(report.get("problems").toString()).contains("closed as success from its manifest");
        JsonNode f = bed.backup(failedButWhole);
        assertThat(f.get("status").asText()).isEqualTo("success");
        assertThat(bed.s3.keys(SECONDARY, f.get("filePath").asText())).hasSize(1);
    }
}
