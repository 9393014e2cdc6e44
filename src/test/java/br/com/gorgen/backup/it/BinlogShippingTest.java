package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.binlog.ShipmentPlan;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Continuous binary-log shipping against the real services: every closed file is shipped once, in order, with no
 * gap, byte-identical after gpg + gunzip; a failed upload is shipped again on the next run (no gap, no duplicate);
 * a log purged before it was shipped raises the gap alert.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BinlogShippingTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_binlog_ship");
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    private static void write(int n) {
        for (int i = 0; i < n; i++) {
            bed.db.execRoot(bed.database, "INSERT INTO pacientes (tenant_id, nome, cpf, nascimento) VALUES (1, 'Paciente binlog "
                    + i + "', LPAD(FLOOR(RAND() * 99999999999), 11, '0'), '1980-01-01')");
        }
    }

    /** Successful shipments: no file twice, and consecutive files from the first to the last. */
    private static List<String> assertContiguousWithoutDuplicates() {
        List<String> files = new ArrayList<>();
        for (JsonNode b : bed.shippedBinlogs()) {
            files.add(b.get("binlogFile").asText());
        }
        Set<String> unique = new HashSet<>(files);
        assertThat(unique).as("each file shipped once: " + files).hasSameSizeAs(files);
        for (int i = 1; i < files.size(); i++) {
            assertThat(ShipmentPlan.FileName.parse(files.get(i - 1)).isFollowedBy(ShipmentPlan.FileName.parse(files.get(i))))
                    .as("no gap between " + files.get(i - 1) + " and " + files.get(i)).isTrue();
        }
        return files;
    }

    @Test
    @Order(1)
    void shipsEveryClosedLogOnceInOrderFromTheFullBackupOnAndByteIdentical() throws Exception {
        long fullId = bed.runFullBackup();
        String snapshotFile = bed.backup(fullId).get("binlogFile").asText();
        write(5);
        bed.shipBinlogs();
        write(5);
        String last = bed.shipBinlogs();

        List<String> files = assertContiguousWithoutDuplicates();
        assertThat(files.get(0)).as("shipping starts at the full backup's snapshot file").isEqualTo(snapshotFile);
        assertThat(files).endsWith(last);

        JsonNode shipped = bed.shippedBinlogs().get(bed.shippedBinlogs().size() - 1);
        String key = shipped.get("filePath").asText();
        assertThat(key).contains("/binlog/server-101/" + last + "-").endsWith(last + ".gz.gpg");
        assertThat(shipped.get("sourceId").asText()).isEqualTo("server-101");
        assertThat(shipped.get("firstEventAt").isNull()).isFalse();
        assertThat(bed.s3.sha256(PRIMARY, key)).isEqualTo(shipped.get("checksumSha256").asText())
                .isEqualTo(bed.s3.sha256(SECONDARY, key));
        assertThat(bed.s3.keys(PRIMARY, shipped.get("manifestPath").asText())).hasSize(1);
        assertThat(bed.get("/observe/metrics", null).body())
                .contains("gorgen_backup_covered_until_timestamp_seconds{type=\"transactional\"}");

        // restorable with standard tools: gpg --decrypt | gunzip gives the server's file byte for byte
        Path work = Files.createTempDirectory("binlog-check-");
        bed.s3.download(PRIMARY, key, work.resolve("b.gz.gpg"));
        Path plain = work.resolve(last);
        TestKeys.shared().decryptGunzip(work.resolve("b.gz.gpg"), plain);
        assertThat(Files.mismatch(plain, bed.db.binlogFile(last))).isEqualTo(-1L);
    }

    @Test
    @Order(2)
    void aFailedUploadIsShippedAgainByTheNextRunWithoutGapOrDuplicate() {
        write(3);
        String current = bed.currentBinlogFile();
        bed.s3.stop();
        try {
            assertThat(bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"transactional\"}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() -> failedRows().stream()
                    .anyMatch(b -> b.get("errorMessage").asText().contains("storage")));
        } finally {
            bed.s3.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("CRÍTICO") && s.contains("transacional")));
        assertThat(bed.mailSubjects().stream().filter(s -> s.contains("CRÍTICO") && s.contains("transacional")))
                .as("both buckets failed together: one alert").hasSize(1);
        assertThat(failedRows()).hasSize(1);
        assertThat(bed.shippedBinlogs()).noneMatch(b -> b.get("binlogFile").asText().equals(current));

        write(2);
        bed.shipBinlogs();
        List<String> files = assertContiguousWithoutDuplicates();
        assertThat(files).contains(current);

        // days later the clean-up removes the failed shipment's leftovers: its folder is the successful one's
        // (shipping a file again lands on the same keys), so only the failed row is expired, nothing is deleted
        JsonNode failed = failedRows().get(0);
        JsonNode shipped = bed.shippedBinlogs().stream().filter(b -> b.get("binlogFile").asText().equals(current))
                .findFirst().orElseThrow();
        assertThat(failed.get("filePath").asText()).isEqualTo(shipped.get("filePath").asText());
        bed.db.execRoot(bed.database, "UPDATE backup_history SET started_at = started_at - INTERVAL 30 DAY, "
                + "completed_at = completed_at - INTERVAL 30 DAY WHERE id = " + failed.get("id").asLong());
        JsonNode report = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "").json();
        assertThat(report.get("removed").toString()).contains("\"id\":" + failed.get("id").asLong())
                .contains("objectsLeftFor");
        assertThat(bed.backup(failed.get("id").asLong()).get("status").asText()).isEqualTo("expired");
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            assertThat(bed.s3.keys(bucket, shipped.get("filePath").asText())).hasSize(1);
            assertThat(bed.s3.keys(bucket, shipped.get("manifestPath").asText())).hasSize(1);
        }
        assertThat(bed.backup(shipped.get("id").asLong()).get("status").asText()).isEqualTo("success");
    }

    @Test
    @Order(3)
    void aLogPurgedBeforeItWasShippedRaisesTheGapAlert() {
        write(2);
        String lost = bed.currentBinlogFile();
        bed.db.execRoot(null, "FLUSH BINARY LOGS");
        write(2);
        bed.db.execRoot(null, "FLUSH BINARY LOGS");
        String kept = bed.currentBinlogFile();
        bed.db.execRoot(null, "PURGE BINARY LOGS TO '" + kept + "'");

        bed.shipBinlogs();
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("lacuna")));
        assertThat(failedRows()).anyMatch(b -> b.get("errorMessage").asText().contains("gap")
                && b.get("errorMessage").asText().contains(lost));
        // shipping goes on after the gap
        write(1);
        bed.shipBinlogs();
    }

    @Test
    @Order(4)
    void aCatalogThatLostTheShippedRowsContinuesFromWhatTheBucketHolds() {
        String newestInBucket = bed.shippedBinlogs().get(bed.shippedBinlogs().size() - 1).get("binlogFile").asText();
        // as after losing the catalog: no row says what was shipped (the rows stay, history is permanent)
        bed.db.execRoot(bed.database, "UPDATE backup_history SET status = 'expired' WHERE backup_type = 'transactional'");
        write(2);
        String shipped = bed.shipBinlogs();
        List<JsonNode> rows = bed.shippedBinlogs();
        assertThat(rows).as("only what came after the bucket's newest file was shipped").hasSize(
                (int) (ShipmentPlan.FileName.parse(shipped).sequence() - ShipmentPlan.FileName.parse(newestInBucket).sequence()));
        assertThat(rows.get(0).get("binlogFile").asText()).isEqualTo(ShipmentPlan.FileName.parse(newestInBucket)
                .withSequence(ShipmentPlan.FileName.parse(newestInBucket).sequence() + 1));
    }

    private static List<JsonNode> failedRows() {
        List<JsonNode> out = new ArrayList<>();
        bed.get("/api/backup/history?type=transactional&status=failed&limit=1000", ADMIN_KEY).json().get("backups")
                .forEach(out::add);
        return out;
    }
}
