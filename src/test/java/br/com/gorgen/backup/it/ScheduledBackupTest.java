package br.com.gorgen.backup.it;

import java.time.Duration;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Quartz schedule (here: every 3 seconds) runs unattended backups through the same pipeline. */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class ScheduledBackupTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_scheduled");
        bed.with("backup.database.full.cron", "0/3 * * * * ?").applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void theScheduleRunsAFullBackupAsTheScheduler() {
        await().atMost(Duration.ofSeconds(60)).until(() -> bed.get("/api/backup/history?status=success", ADMIN_KEY)
                .json().get("backups").size() > 0);
        JsonNode latest = bed.get("/api/backup/history?status=success&limit=1", ADMIN_KEY).json().get("backups").get(0);
        assertThat(latest.get("createdBy").asText()).isEqualTo("scheduler");
        assertThat(latest.get("type").asText()).isEqualTo("full");
        JsonNode status = bed.get("/api/backup/status", ADMIN_KEY).json();
        assertThat(status.get("lastSuccess").get("id").asLong()).isPositive();
        assertThat(status.get("schedules").get(0).get("nextRun").asText()).isNotBlank();
    }
}
