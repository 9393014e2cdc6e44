package br.com.gorgen.backup.it;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.FaultProxy;
import br.com.gorgen.backup.testbed.S3Server;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The storage rows of the fault matrix, each fault injected on the wire by a {@link FaultProxy} in front of each
 * backup bucket (the documents are read from the S3 server directly): the primary down before the upload, cut in the
 * middle of it, the secondary down, S3 answering 503 for good and for a moment, S3 slow, and the SMTP server down.
 * For each: no false success (a failed row, no manifest or snapshot left that looks like a backup), one CRITICAL
 * alert recorded (and mailed while SMTP is up), and the next run succeeds once the fault is gone.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class StorageFaultsTest {
    static ServiceTestBed bed;
    static FaultProxy primary;
    static FaultProxy secondary;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_storage_faults");
        int port = URI.create(bed.s3.endpoint()).getPort();
        primary = new FaultProxy("127.0.0.1", port);
        secondary = new FaultProxy("127.0.0.1", port);
        Random random = new Random(7);
        for (int i = 0; i < 40; i++) {
            byte[] b = new byte[30_000 + random.nextInt(30_000)];
            random.nextBytes(b);
            int n = i;
            bed.s3.client().putObject(r -> r.bucket(ServiceTestBed.DOCUMENTS).key("pacientes/" + n + "/exame.pdf"),
                    RequestBody.fromBytes(b));
        }
        bed.with("backup.s3.endpoint", primary.endpoint()).with("backup.s3.secondary.endpoint", secondary.endpoint())
                .with("documents.s3.bucket", ServiceTestBed.DOCUMENTS).with("documents.s3.endpoint", bed.s3.endpoint())
                .with("documents.s3.access.key", S3Server.ACCESS_KEY).with("documents.s3.secret.key", S3Server.SECRET_KEY)
                .with("backup.documents.pack.size", "100000").applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        primary.close();
        secondary.close();
        bed.close();
    }

    @AfterEach
    void faultsGone() {
        primary.pass();
        secondary.pass();
        if (!bed.mail.isRunning()) {
            bed.mail.start();
        }
    }

    static long trigger(String type) {
        ServiceTestBed.Response r = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"" + type + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("id").asLong();
    }

    static JsonNode finished(long id) {
        await().atMost(Duration.ofSeconds(180)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
        return bed.backup(id);
    }

    /** The failure of one backup: its row, no manifest or artifact of it anywhere, its CRITICAL alert recorded. */
    static void failedCleanly(long id, String reason) {
        JsonNode row = finished(id);
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("failed");
        assertThat(row.get("errorMessage").asText()).as(row.toString()).containsIgnoringCase(reason);
        String path = row.get("filePath").asText();
        if (!path.isEmpty()) {
            String folder = path.substring(0, path.lastIndexOf('/') + 1);
            for (String bucket : List.of(PRIMARY, SECONDARY)) {
                assertThat(bed.s3.keys(bucket, folder)).as(bucket + " " + folder)
                        .noneMatch(k -> k.endsWith(".json") || k.endsWith(".gpg"));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.db.names(bed.database, "SELECT COUNT(*) FROM backup_alert "
                + "WHERE severity = 'CRITICAL' AND subject LIKE '%#" + id + "%'").get(0).equals("1"));
    }

    static void nextSucceeds(String type) {
        JsonNode row = finished(trigger(type));
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("success");
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "incremental", "documents-full", "transactional"})
    void thePrimaryDownBeforeTheUploadFailsTheBackupCleanly(String type) {
        if (type.equals("incremental") || type.equals("transactional")) {
            bed.runFullBackup(); // something to chain to, and the start of the shipping
        }
        primary.refuse();
        if (type.equals("transactional")) {
            String current = bed.currentBinlogFile();
            int failedBefore = bed.get("/api/backup/history?type=transactional&status=failed&limit=1000", ADMIN_KEY)
                    .json().get("backups").size();
            assertThat(bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"transactional\"}").status())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(90)).until(() -> bed.get("/api/backup/history?type=transactional"
                    + "&status=failed&limit=1000", ADMIN_KEY).json().get("backups").size() > failedBefore);
            assertThat(bed.get("/api/backup/history?type=transactional&status=failed&limit=1", ADMIN_KEY).json()
                    .at("/backups/0/errorMessage").asText()).containsIgnoringCase("storage");
            primary.pass();
            bed.db.execRoot(bed.database, "INSERT INTO tenants (nome) VALUES ('depois da falha')");
            assertThat(bed.shipBinlogs()).isNotNull();
            assertThat(bed.shippedBinlogs()).anyMatch(b -> b.get("binlogFile").asText().equals(current));
            return;
        }
        failedCleanly(trigger(type), "storage");
        primary.pass();
        nextSucceeds(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "incremental", "documents-full"})
    void thePrimaryCutInTheMiddleOfTheUploadFailsTheBackupCleanly(String type) {
        // fresh data, so that the upload is large (stored contents are not stored again)
        if (!type.startsWith("documents")) {
            if (type.equals("incremental")) {
                bed.runFullBackup();
            }
            bed.db.execRoot(bed.database, "INSERT INTO audit_logs (tenant_id, usuario, acao, detalhes) SELECT 1, 'teste', "
                    + "'teste', TO_BASE64(RANDOM_BYTES(1024)) FROM atendimentos LIMIT 1000");
        } else if (type.equals("documents-full")) {
            Random random = new Random();
            for (int i = 0; i < 20; i++) {
                byte[] b = new byte[40_000];
                random.nextBytes(b);
                int n = i;
                bed.s3.client().putObject(r -> r.bucket(ServiceTestBed.DOCUMENTS).key("novos/" + n + "-"
                        + System.nanoTime() + ".pdf"), RequestBody.fromBytes(b));
            }
        }
        long before = primary.bytesTowardsServer();
        primary.cutAfter(100_000);
        long id = trigger(type);
        failedCleanly(id, "storage");
        assertThat(primary.bytesTowardsServer() - before).as("cut in the middle").isGreaterThanOrEqualTo(100_000);
        primary.pass();
        nextSucceeds(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "documents-full"})
    void theSecondaryDownFailsTheBackupAndLeavesNothingInThePrimary(String type) {
        secondary.refuse();
        failedCleanly(trigger(type), "storage");
        secondary.pass();
        nextSucceeds(type);
    }

    @Test
    void s3AnsweringServiceUnavailableForGoodFailsTheBackupAfterItsRetries() {
        primary.answerHttp(503);
        // the SDK's own retries, then the service's: S3 refusing every request ends in a failed backup
        failedCleanly(trigger("full"), "storage");
        assertThat(primary.answered()).as("retried before giving up").isGreaterThan(2);
    }

    @Test
    void s3AnsweringServiceUnavailableForAMomentIsRetriedAndTheBackupSucceeds() {
        primary.answerHttp(503);
        int before = primary.answered();
        long id = trigger("full");
        await().atMost(Duration.ofSeconds(60)).until(() -> primary.answered() > before);
        primary.pass();
        JsonNode row = finished(id);
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("success");
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "documents-full"})
    void aSlowS3MakesASlowBackupNotAFailedOne(String type) {
        primary.slow(Duration.ofMillis(300));
        secondary.slow(Duration.ofMillis(300));
        nextSucceeds(type);
    }

    @Test
    void theSmtpServerDownChangesNoOutcomeAndTheAlertIsRecorded() {
        bed.mail.stop();
        long ok = finished(trigger("full")).get("id").asLong();
        assertThat(bed.backup(ok).get("status").asText()).isEqualTo("success");
        primary.refuse();
        long failed = trigger("full");
        failedCleanly(failed, "storage");
        await().atMost(Duration.ofSeconds(30)).until(() -> !bed.db.names(bed.database, "SELECT last_error FROM "
                + "backup_alert WHERE subject LIKE '%#" + failed + "%' AND last_error IS NOT NULL").isEmpty());
        assertThat(bed.db.names(bed.database, "SELECT COUNT(*) FROM backup_alert WHERE subject LIKE '%#" + failed
                + "%' AND delivered_at IS NULL")).containsExactly("1");
    }
}
