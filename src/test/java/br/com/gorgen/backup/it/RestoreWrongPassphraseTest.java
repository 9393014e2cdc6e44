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

/** A wrong passphrase fails the restore clearly and leaves no half-loaded database. */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class RestoreWrongPassphraseTest {

    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_badpass");
        bed.with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", "not the passphrase").applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void theRestoreFailsClearlyAndLeavesNoHalfLoadedDatabase() {
        long backupId = bed.runFullBackup();
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{}");
        long restoreId = accepted.json().get("restoreId").asLong();
        String database = accepted.json().get("database").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> !bed.get("/api/backup/restore/" + restoreId, MASTER_KEY)
                .json().get("status").asText().equals("running"));
        JsonNode result = bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json();
        assertThat(result.get("status").asText()).isEqualTo("failed");
        assertThat(result.get("errorMessage").asText()).containsIgnoringCase("passphrase")
                .doesNotContain("not the passphrase");
        assertThat(bed.db.names(null, "SHOW DATABASES")).doesNotContain(database);
    }
}
