package br.com.gorgen.backup.it;

import java.nio.file.Path;
import java.time.Duration;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The way peers' users lose data: a dump program that exits 0 over a truncated dump. The missing completion
 * trailer must make the backup fail, with nothing left in the buckets.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class TruncatedDumpTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_truncated");
        bed.with("backup.dump.command", Path.of("src/test/resources/testbed/truncated-dump.sh").toAbsolutePath().toString())
                .applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void aTruncatedDumpWithExitCodeZeroIsNeverStoredAsASuccess() {
        long id = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}").json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
        JsonNode row = bed.backup(id);
        assertThat(row.get("status").asText()).isEqualTo("failed");
        assertThat(row.get("errorMessage").asText()).contains("truncated");
        assertThat(bed.s3.keys(PRIMARY, "")).isEmpty();
        assertThat(bed.s3.keys(SECONDARY, "")).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream().anyMatch(s -> s.contains("CRÍTICO")));
    }
}
