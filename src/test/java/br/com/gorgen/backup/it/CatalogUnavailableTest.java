package br.com.gorgen.backup.it;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.MariaDbServer;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** The database is unreachable: the service still starts and answers, and a backup is refused with a clear reason. */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class CatalogUnavailableTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_unreachable");
        bed.with("database.url", "mysql://backup:x@127.0.0.1:" + MariaDbServer.freePort() + "/gorgen").applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void theServiceRunsAndRefusesBackupsWithAClearReason() {
        ServiceTestBed.Response status = bed.get("/api/backup/status", ADMIN_KEY);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("catalog").asText()).startsWith("unavailable");

        ServiceTestBed.Response refused = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("reason").asText()).contains("catalog database is unreachable")
                .doesNotContain("Exception");
        assertThat(bed.get("/api/backup/history", ADMIN_KEY).status()).isEqualTo(503);
    }
}
