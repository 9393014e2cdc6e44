package br.com.gorgen.backup.it;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sequence that once emptied production and deleted the backup being restored, with the shipped defaults (a
 * retention clean-up after every backup): an older full backup starts the point-in-time window, today's full backup
 * A succeeds, the data goes wrong, and A is restored over production. The safety backup becomes today's newest;
 * the backups the restore reads are pinned while it runs (a clean-up and a deletion by hand both leave A alone and
 * say why), the safety backup does not take A's place afterwards either, and production ends equal to A.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class ProductionRestoreUnderDefaultsTest {
    static ServiceTestBed bed;

    @BeanInject
    CamelContext context;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_defaults_src");
        bed.without("backup.retention.after.backup") // the shipped default: true
                .with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void restoringTodaysBackupOverProductionKeepsItAndGivesItsDataBack() throws Exception {
        long older = bed.runFullBackup();
        // nine days ago: the newest full backup before the 7-day point-in-time window, which it starts
        bed.db.execRoot(bed.database, "UPDATE backup_history SET started_at = started_at - INTERVAL 9 DAY, "
                + "snapshot_at = snapshot_at - INTERVAL 9 DAY, completed_at = completed_at - INTERVAL 9 DAY WHERE id = " + older);
        long a = bed.runFullBackup();
        JsonNode aRow = bed.backup(a);
        Map<String, Long> atA = bed.db.rowCounts(bed.database);
        bed.db.execRoot(bed.database, "DELETE FROM atendimentos WHERE id > 100", "DROP VIEW pacientes_resumo");

        // hold the restore right after its safety backup succeeded, where the clean-up it used to trigger ran
        CountDownLatch safetyDone = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AdviceWith.adviceWith(context, "backup-database-run", r -> r.weaveAddLast().process(e -> {
            if (e.getIn().getHeader("BackupRequestedBy", "", String.class).startsWith("safety before restore")) {
                safetyDone.countDown();
                resume.await(90, TimeUnit.SECONDS);
            }
        }));
        context.getRouteController().startRoute("backup-database-run");

        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/" + a, MASTER_KEY,
                "{\"target\":\"production\",\"confirm\":\"" + a + "\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long restoreId = accepted.json().get("restoreId").asLong();
        String owner = "restore #" + restoreId;
        try {
            assertThat(safetyDone.await(90, TimeUnit.SECONDS)).as("safety backup done").isTrue();
            // A is in use: the preview says so, the clean-up leaves it, a deletion by hand is refused
            JsonNode preview = bed.get("/api/backup/retention/preview", ADMIN_KEY).json();
            JsonNode aVerdict = null;
            for (JsonNode b : preview.get("backups")) {
                if (b.get("id").asLong() == a) {
                    aVerdict = b;
                }
            }
            assertThat(aVerdict.get("reasons").toString()).contains("in use by " + owner);
            assertThat(aVerdict.get("protected").asBoolean()).isTrue();
            JsonNode cleanup = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "").json();
            assertThat(cleanup.get("removed").toString()).doesNotContain("\"id\":" + a + ",");
            ServiceTestBed.Response delete = bed.send(java.net.http.HttpRequest.newBuilder(bed.uri("/api/backup/" + a))
                    .header("Content-Type", "application/json").method("DELETE", java.net.http.HttpRequest.BodyPublishers
                            .ofString("{\"confirm\":\"" + a + "\",\"reason\":\"test\"}")), MASTER_KEY);
            assertThat(delete.status()).as(delete.body()).isEqualTo(409);
            assertThat(delete.json().get("protectedBy").toString()).contains("in use by " + owner);
            assertThat(bed.db.names(bed.database, "SELECT owner FROM backup_pin WHERE backup_id = " + a))
                    .containsExactly(owner);
        } finally {
            resume.countDown();
        }
        JsonNode done = awaitRestore(restoreId);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("verified");

        // production is A again, A is whole in both buckets, no pin is left
        assertThat(bed.db.rowCounts(bed.database)).containsEntry("atendimentos", atA.get("atendimentos"))
                .containsEntry("pacientes", atA.get("pacientes"));
        assertThat(bed.db.names(bed.database, "SELECT COUNT(*) FROM pacientes_resumo")).hasSize(1);
        assertThat(bed.backup(a).get("status").asText()).isEqualTo("success");
        for (String bucket : new String[] {PRIMARY, SECONDARY}) {
            assertThat(bed.s3.keys(bucket, aRow.get("filePath").asText())).hasSize(1);
            assertThat(bed.s3.keys(bucket, aRow.get("manifestPath").asText())).hasSize(1);
        }
        assertThat(bed.db.names(bed.database, "SELECT COUNT(*) FROM backup_pin")).containsExactly("0");

        // a clean-up after the restore keeps A too: the safety backup never takes the place of the backup of its day
        JsonNode after = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "").json();
        assertThat(after.get("removed").toString()).doesNotContain("\"id\":" + a + ",");
        assertThat(bed.backup(a).get("status").asText()).isEqualTo("success");
        assertThat(bed.backup(older).get("status").asText()).isEqualTo("success");
    }

    static JsonNode awaitRestore(long restoreId) {
        await().atMost(Duration.ofSeconds(180)).until(() -> !bed.get("/api/backup/restore/" + restoreId, MASTER_KEY)
                .json().get("status").asText().equals("running"));
        return bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json();
    }
}
