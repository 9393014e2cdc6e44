package br.com.gorgen.backup.it;

import java.time.Duration;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Decryption keys live only where restores run: without one, a restore is refused with the reason. */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class RestoreWithoutKeyTest {

    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_nokey");
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void aRestoreIsRefusedWithTheReason() {
        long backupId = bed.runFullBackup();
        ServiceTestBed.Response r = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{}");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("reason").asText()).contains("no decryption key on this server")
                .contains("BACKUP_PGP_PRIVATE_KEY_FILE");
        assertThat(r.body()).doesNotContain("Exception");
    }
}
