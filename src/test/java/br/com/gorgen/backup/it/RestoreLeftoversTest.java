package br.com.gorgen.backup.it;

import java.net.http.HttpRequest;
import java.util.List;

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

/**
 * What restores and failed stores leave behind, cleaned against the real services: an isolated restore's database is
 * dropped by hand (audited) or by the clean-up once kept its hours (time moved in the catalog), one that asked to be
 * kept longer stays, and a hand-edited row naming production is never acted on.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class RestoreLeftoversTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_leftovers");
        bed.with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    static ServiceTestBed.Response delete(String path) {
        return bed.send(HttpRequest.newBuilder(bed.uri(path)).method("DELETE", HttpRequest.BodyPublishers.noBody()),
                MASTER_KEY);
    }

    static List<String> databases() {
        return bed.db.names(null, "SHOW DATABASES");
    }

    @Test
    void restoreDatabasesGoByHandOrWhenTheirTimeIsUpAndProductionNeverDoes() {
        long backupId = bed.runFullBackup();
        JsonNode byHand = bed.restore(backupId, "{}");
        JsonNode aged = bed.restore(backupId, "{}");
        JsonNode keptLonger = bed.restore(backupId, "{\"keepHours\":48}");
        assertThat(databases()).contains(byHand.get("database").asText(), aged.get("database").asText(),
                keptLonger.get("database").asText());

        assertThat(bed.send(HttpRequest.newBuilder(bed.uri("/api/backup/restore/" + byHand.get("restoreId").asLong()
                + "/database")).method("DELETE", HttpRequest.BodyPublishers.noBody()), ADMIN_KEY).status()).isEqualTo(403);
        ServiceTestBed.Response dropped = delete("/api/backup/restore/" + byHand.get("restoreId").asLong() + "/database");
        assertThat(dropped.status()).as(dropped.body()).isEqualTo(200);
        assertThat(databases()).doesNotContain(byHand.get("database").asText());
        assertThat(delete("/api/backup/restore/" + byHand.get("restoreId").asLong() + "/database").status()).isEqualTo(409);
        assertThat(bed.get("/api/backup/audit", MASTER_KEY).body()).contains("backup.restore.database.drop");

        // a day later (moved in the catalog): the clean-up drops the one kept its 24 hours, not the one kept 48
        bed.db.execRoot(bed.database, "UPDATE restore_history SET completed_at = completed_at - INTERVAL 25 HOUR, "
                + "started_at = started_at - INTERVAL 25 HOUR WHERE id IN (" + aged.get("restoreId").asLong() + ", "
                + keptLonger.get("restoreId").asLong() + ")");
        // a row edited by hand to name production: never dropped
        bed.db.execRoot(bed.database, "INSERT INTO restore_history (tenant_id, backup_id, kind, status, target_database, "
                + "started_at, completed_at, requested_by) VALUES (1, " + backupId + ", 'isolated', 'verified', '"
                + bed.database + "', NOW() - INTERVAL 3 DAY, NOW() - INTERVAL 3 DAY, 'hand')");
        JsonNode report = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "").json();
        assertThat(report.at("/restoreLeftovers/restoreDatabasesDropped").toString())
                .contains(aged.get("database").asText()).doesNotContain(keptLonger.get("database").asText());
        assertThat(report.at("/restoreLeftovers/problems").toString()).contains("is not a database this service restores");
        assertThat(databases()).doesNotContain(aged.get("database").asText())
                .contains(keptLonger.get("database").asText(), bed.database);
        assertThat(bed.db.rowCounts(bed.database)).containsKey("atendimentos");
        assertThat(bed.get("/api/backup/status", ADMIN_KEY).json().at("/restoreServer/sameAsProduction").asBoolean())
                .isTrue();
    }
}
