package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Restore over HTTP into an isolated database, against the real services: the restored data equals the source, a
 * corrupt primary copy is detected and the secondary used (with a CRITICAL alert), two corrupt copies refuse.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class RestoreTest {
    static ServiceTestBed bed;

    @BeanInject
    CamelContext context;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_restore_src");
        // definers of a user that does not exist on the restore target
        bed.db.execRoot(null, "CREATE USER IF NOT EXISTS 'gorgen_app'@'%' IDENTIFIED BY 'x'",
                "GRANT ALL ON gorgen_restore_src.* TO 'gorgen_app'@'%'");
        bed.db.execRoot("gorgen_restore_src", "CREATE DEFINER='gorgen_app'@'%' VIEW atendimentos_por_paciente AS "
                + "SELECT paciente_id, COUNT(*) AS n FROM atendimentos GROUP BY paciente_id");
        bed.with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.db.execRoot(null, "DROP USER IF EXISTS 'gorgen_app'@'%'");
        bed.close();
    }


    static JsonNode awaitRestore(long restoreId) {
        await().atMost(Duration.ofSeconds(120)).until(() -> !bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json()
                .get("status").asText().equals("running"));
        return bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json();
    }

    @Test
    void restoresIntoAnIsolatedDatabaseThatEqualsTheSourceAndIsVerified() {
        long backupId = bed.runFullBackup();
        // the definer account disappears before the restore (a restore on another server)
        bed.db.execRoot(null, "DROP USER IF EXISTS 'gorgen_app'@'%'");

        assertThat(bed.postJson("/api/backup/restore/" + backupId, ADMIN_KEY, "{}").status()).isEqualTo(403);
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long restoreId = accepted.json().get("restoreId").asLong();
        String database = accepted.json().get("database").asText();
        assertThat(database).startsWith("gorgen_restore_" + backupId + "_");

        JsonNode result = awaitRestore(restoreId);
        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("verified");
        assertThat(result.get("sourceBucket").asText()).isEqualTo(PRIMARY);
        assertThat(result.at("/validation/differences")).isEmpty();
        assertThat(result.at("/validation/rowCounts/atendimentos").asLong()).isEqualTo(1500);

        List<String> tables = new ArrayList<>(bed.db.rowCounts(bed.database).keySet());
        tables.removeIf(t -> t.startsWith("backup_") || t.equals("restore_history"));
        assertThat(bed.db.checksums(database, tables)).isEqualTo(bed.db.checksums(bed.database, tables));
        // the view whose definer no longer exists works in the restored database
        assertThat(bed.db.names(database, "SELECT COUNT(*) FROM atendimentos_por_paciente")).containsExactly("400");
        assertThat(bed.db.names(database, "SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '"
                + database + "' AND TABLE_NAME = 'atendimentos_por_paciente'").get(0)).doesNotContain(bed.database);
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("Restauração #" + restoreId) && s.contains("verificada")));

        // audited
        assertThat(bed.get("/api/backup/audit", MASTER_KEY).body()).contains("backup.restore").contains("backup:" + backupId);
    }

    @Test
    void aCorruptPrimaryCopyIsDetectedAndTheSecondaryIsUsedWithACriticalAlert() throws Exception {
        long backupId = bed.runFullBackup();
        String key = bed.backup(backupId).get("filePath").asText();
        flipAByte(bed.s3.objectFile(PRIMARY, key));

        long restoreId = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "").json().get("restoreId").asLong();
        JsonNode result = awaitRestore(restoreId);
        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("verified");
        assertThat(result.get("sourceBucket").asText()).isEqualTo(SECONDARY);
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("CRÍTICO") && s.contains("cópia do backup #" + backupId)));
    }

    @Test
    void twoCorruptCopiesRefuseTheRestoreAndTouchNothing() throws Exception {
        long backupId = bed.runFullBackup();
        String key = bed.backup(backupId).get("filePath").asText();
        flipAByte(bed.s3.objectFile(PRIMARY, key));
        flipAByte(bed.s3.objectFile(SECONDARY, key));

        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{}");
        String database = accepted.json().get("database").asText();
        JsonNode result = awaitRestore(accepted.json().get("restoreId").asLong());
        assertThat(result.get("status").asText()).isEqualTo("failed");
        assertThat(result.get("errorMessage").asText()).contains("no intact copy").contains("nothing was touched");
        assertThat(bed.db.names(null, "SHOW DATABASES")).doesNotContain(database);
    }

    @Test
    void aDrillRestoresTheLatestFullBackupMeasuresRtoAndRpoDropsTheScratchDatabaseAndReports() {
        long backupId = bed.runFullBackup();
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/drill", ADMIN_KEY, "{}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().get("backupId").asLong()).isEqualTo(backupId);
        long restoreId = accepted.json().get("restoreId").asLong();
        String scratch = accepted.json().get("database").asText();

        JsonNode result = awaitRestore(restoreId);
        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("verified");
        assertThat(result.get("target").asText()).isEqualTo("drill");
        assertThat(result.get("rtoSeconds").asLong()).isNotNegative();
        assertThat(result.get("rpoSeconds").asLong()).isNotNegative();
        assertThat(bed.db.names(null, "SHOW DATABASES")).doesNotContain(scratch);
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("Simulação de recuperação de desastre #" + restoreId + ": OK")));
    }

    @Test
    void aSecondRestoreWhileOneRunsIsRefusedWith409AndTheRunningId() throws Exception {
        long backupId = bed.runFullBackup();
        CountDownLatch gate = new CountDownLatch(1);
        AdviceWith.adviceWith(context, "restore-load-and-validate",
                a -> a.weaveAddFirst().process(e -> gate.await(60, TimeUnit.SECONDS)));
        context.getRouteController().startRoute("restore-load-and-validate");
        long first = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{}").json().get("restoreId").asLong();
        try {
            ServiceTestBed.Response second = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{}");
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.json().get("runningId").asLong()).isEqualTo(first);
        } finally {
            gate.countDown();
        }
        assertThat(awaitRestore(first).get("status").asText()).isEqualTo("verified");
    }

    @Test
    void aProductionRestoreNeedsConfirmationTakesASafetyBackupFirstAndGivesBackTheChosenBackup() {
        long backupId = bed.runFullBackup();
        Map<String, Long> atBackup = bed.db.rowCounts(bed.database);
        // the clinic's data changes after the backup (a mistaken mass delete, a new table)
        bed.db.execRoot(bed.database, "DELETE FROM atendimentos WHERE id > 1000", "CREATE TABLE rascunho (id INT)");

        assertThat(bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{\"target\":\"production\"}").status())
                .isEqualTo(400);
        assertThat(bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY,
                "{\"target\":\"production\",\"confirm\":\"" + (backupId + 1) + "\"}").status()).isEqualTo(400);
        assertThat(bed.db.rowCounts(bed.database)).containsEntry("atendimentos", 1000L); // nothing touched

        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY,
                "{\"target\":\"production\",\"confirm\":\"" + backupId + "\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long restoreId = accepted.json().get("restoreId").asLong();
        JsonNode result = awaitRestore(restoreId);
        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("verified");
        assertThat(result.get("target").asText()).isEqualTo("production");

        // production holds the chosen backup again; the service's own tables survived
        Map<String, Long> now = bed.db.rowCounts(bed.database);
        assertThat(now).containsEntry("atendimentos", atBackup.get("atendimentos")).doesNotContainKey("rascunho")
                .containsKey("backup_history");
        // the safety backup holds the state from just before the restore
        JsonNode safety = bed.get("/api/backup/history?status=success&limit=20", ADMIN_KEY).json().get("backups");
        JsonNode safetyRow = null;
        for (JsonNode b : safety) {
            if (b.get("createdBy").asText().equals("safety before restore #" + restoreId)) {
                safetyRow = b;
            }
        }
        assertThat(safetyRow).as("safety backup in " + safety).isNotNull();
        JsonNode safetyManifest = ServiceTestBedJson.read(bed, PRIMARY, safetyRow.get("manifestPath").asText());
        assertThat(safetyManifest.get("tables").toString()).contains("\"name\":\"rascunho\"");
        for (JsonNode t : safetyManifest.get("tables")) {
            if (t.get("name").asText().equals("atendimentos")) {
                assertThat(t.get("rows").asLong()).isEqualTo(1000);
            }
        }
        assertThat(bed.db.names(null, "SHOW DATABASES")).doesNotContain(accepted.json().get("database").asText());
    }

    @Test
    void refusesBadRequestsClearly() {
        assertThat(bed.postJson("/api/backup/restore/abc", MASTER_KEY, "{}").status()).isEqualTo(400);
        assertThat(bed.postJson("/api/backup/restore/999999", MASTER_KEY, "{}").status()).isEqualTo(404);
        assertThat(bed.postJson("/api/backup/restore/1", MASTER_KEY, "{\"target\":\"elsewhere\"}").status()).isEqualTo(400);
        assertThat(bed.get("/api/backup/restore/999999", MASTER_KEY).status()).isEqualTo(404);
    }

    @Test
    void downloadsTheStoredObjectWholeOrByRangeWithItsChecksumAndAudits() throws Exception {
        long backupId = bed.runFullBackup();
        JsonNode row = bed.backup(backupId);
        byte[] stored = Files.readAllBytes(bed.s3.objectFile(PRIMARY, row.get("filePath").asText()));

        var whole = bed.getBytes("/api/backup/download/" + backupId, MASTER_KEY, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(stored);
        assertThat(whole.headers().firstValue("X-Checksum-SHA256")).contains(row.get("checksumSha256").asText());
        assertThat(whole.headers().firstValue("Content-Type")).contains("application/pgp-encrypted");
        assertThat(whole.headers().firstValue("Content-Disposition").orElseThrow()).contains(".sql.gz.gpg");
        assertThat(whole.headers().firstValue("X-Object-Size")).contains(String.valueOf(stored.length));
        assertThat(whole.headers().firstValue("Content-Length")).contains(String.valueOf(stored.length));
        assertThat(whole.headers().firstValue("Transfer-Encoding")).isEmpty();

        var part = bed.getBytes("/api/backup/download/" + backupId, MASTER_KEY, "bytes=100-199");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(stored, 100, 200));
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-199/" + stored.length);
        assertThat(part.headers().firstValue("Content-Length")).contains("100");
        var tail = bed.getBytes("/api/backup/download/" + backupId, MASTER_KEY, "bytes=-50");
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(stored, stored.length - 50, stored.length));
        assertThat(bed.getBytes("/api/backup/download/" + backupId, MASTER_KEY, "bytes=" + stored.length + "-")
                .statusCode()).isEqualTo(416);

        var manifest = bed.getBytes("/api/backup/download/" + backupId + "?artifact=manifest", MASTER_KEY, null);
        assertThat(new String(manifest.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"backupId\" : " + backupId);
        assertThat(bed.getBytes("/api/backup/download/" + backupId, ADMIN_KEY, null).statusCode()).isEqualTo(403);
        assertThat(bed.getBytes("/api/backup/download/999999", MASTER_KEY, null).statusCode()).isEqualTo(404);
        bed.db.execRoot(bed.database, "INSERT INTO backup_history (tenant_id, backup_type, status, file_path, created_by) "
                + "VALUES (1, 'full', 'failed', 'x', 'test')");
        long failedId = Long.parseLong(bed.db.names(bed.database, "SELECT MAX(id) FROM backup_history").get(0));
        assertThat(bed.getBytes("/api/backup/download/" + failedId, MASTER_KEY, null).statusCode()).isEqualTo(409);
        assertThat(bed.get("/api/backup/audit", MASTER_KEY).body()).contains("backup.download");
    }

    static void flipAByte(Path file) throws Exception {
        try (var ch = Files.newByteChannel(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long pos = ch.size() / 2;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.position(pos).read(b);
            b.flip();
            byte flipped = (byte) (b.get(0) ^ 0x40);
            ch.position(pos).write(java.nio.ByteBuffer.wrap(new byte[] {flipped}));
        }
    }
}
