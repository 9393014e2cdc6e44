package br.com.gorgen.backup.it;

import java.time.Duration;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database is not there at start-up and appears later: the catalog-watch route prepares the catalog as soon as
 * it can, and backups work without a restart.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class CatalogRecoveryTest {
    static final String LATE_DATABASE = "gorgen_late";
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_recovery_source");
        bed.db.execRoot(null, "DROP DATABASE IF EXISTS " + LATE_DATABASE);
        bed.with("database.url", bed.db.databaseUrl(LATE_DATABASE)).with("backup.catalog.check.period.ms", "300")
                .applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void backupsWorkOnceTheDatabaseIsBackWithoutARestart() {
        assertThat(bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}").status()).isEqualTo(503);

        bed.db.createGorgenDatabase(LATE_DATABASE);
        await("catalog prepared by catalog-watch").atMost(Duration.ofSeconds(30))
                .until(() -> bed.get("/api/backup/status", ADMIN_KEY).json().get("catalog").asText().equals("available"));

        ServiceTestBed.Response accepted = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long id = accepted.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> bed.backup(id).get("status").asText().equals("success"));
    }
}
