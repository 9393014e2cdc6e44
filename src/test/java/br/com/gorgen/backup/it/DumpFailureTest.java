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
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A dump that cannot run (wrong password): failed row with a clear message, no object, CRITICAL email. */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class DumpFailureTest {
    static final String WRONG_PASSWORD = "Wr0ngPassw0rd-xyz";
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_dumpfail");
        bed.with("backup.catalog.database.url", bed.db.databaseUrl(bed.database))
                .with("database.url", bed.db.databaseUrlWithPassword(bed.database, WRONG_PASSWORD))
                .applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void badCredentialsEndInAFailedRowWithAClearMessageNoObjectAndACriticalAlert() {
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long id = accepted.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
        JsonNode row = bed.backup(id);
        assertThat(row.get("status").asText()).isEqualTo("failed");
        assertThat(row.get("errorMessage").asText()).contains("Access denied").doesNotContain(WRONG_PASSWORD);
        assertThat(row.get("checksumSha256").isNull()).isTrue();
        assertThat(bed.s3.keys(PRIMARY, "")).isEmpty();
        assertThat(bed.s3.keys(SECONDARY, "")).isEmpty();
        await("critical email").atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("CRÍTICO") && s.contains("#" + id + " falhou")));
    }
}
