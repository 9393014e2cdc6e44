package br.com.gorgen.backup.it;

import java.time.Duration;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.MariaDbServer;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A source server with binary logging off (a second throwaway MariaDB): shipping warns once with the fix, the status
 * says point-in-time recovery is unavailable, and an incremental becomes a full backup that says so.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class BinlogOffTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_no_binlog", MariaDbServer.sharedWithoutBinlog());
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void shippingWarnsOnceAndAnIncrementalFallsBackToAFullBackup() {
        for (int i = 0; i < 2; i++) {
            String before = bed.get("/api/backup/status", ADMIN_KEY).json().at("/binlogShipping/lastRunAt").asText();
            assertThat(bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"transactional\"}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> !bed.get("/api/backup/status", ADMIN_KEY).json()
                    .at("/binlogShipping/lastRunAt").asText().equals(before));
        }
        assertThat(bed.get("/api/backup/status", ADMIN_KEY).json().at("/binlogShipping/binaryLogging").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("log binário desligado")));
        JsonNode pitr = bed.get("/api/backup/status", ADMIN_KEY).json().get("pointInTimeRecovery");
        assertThat(pitr.get("available").asBoolean()).isFalse();
        assertThat(pitr.get("reason").asText()).contains("log_bin");

        ServiceTestBed.Response r = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"incremental\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("type").asText()).isEqualTo("full");
        long id = r.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> bed.backup(id).get("status").asText().equals("success"));
        JsonNode b = bed.backup(id);
        assertThat(b.get("type").asText()).isEqualTo("full");
        assertThat(b.get("notes").asText()).contains("incremental requested").contains("binary logging is off");
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("#" + id) && s.contains("completo")));
        assertThat(bed.mailSubjects().stream().filter(s -> s.contains("log binário desligado")).count())
                .as("warned once").isEqualTo(1);
    }
}
