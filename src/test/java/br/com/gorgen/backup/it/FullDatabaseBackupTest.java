package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.Cli;
import br.com.gorgen.backup.testbed.ServiceTestBed;
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
 * The full database backup end to end against the real services: the throwaway MariaDB, two S3Proxy buckets and
 * GreenMail; the result is restored with the real gpg, gunzip and mariadb tools and compared with the source.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties",
        useJmx = true)
class FullDatabaseBackupTest {
    static ServiceTestBed bed;

    @BeanInject
    CamelContext context;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_full");
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void triggeredFullBackupIsStoredVerifiedInBothBucketsAndRestoresToTheSameData() throws Exception {
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers()).doesNotContainKeys("BackupObjectKey", "ApiCaller", "Authorization");
        long id = accepted.json().get("id").asLong();

        await("backup " + id + " to finish").atMost(Duration.ofSeconds(90))
                .until(() -> !bed.backup(id).get("status").asText().equals("running"));
        JsonNode row = bed.backup(id);
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("success");
        String key = row.get("filePath").asText();
        String manifestKey = row.get("manifestPath").asText();
        assertThat(key).startsWith("gorgen-backup/tenant-1/database/").endsWith(".sql.gz.gpg");
        assertThat(row.get("binlogFile").asText()).startsWith("binlog.");

        // both buckets hold the artifact and its manifest, with the manifest's checksum
        JsonNode manifest = ServiceTestBedJson.read(bed, PRIMARY, manifestKey);
        String sha = manifest.at("/artifact/sha256").asText();
        assertThat(sha).isEqualTo(row.get("checksumSha256").asText());
        assertThat(bed.s3.sha256(PRIMARY, key)).isEqualTo(sha);
        assertThat(bed.s3.sha256(SECONDARY, key)).isEqualTo(sha);
        assertThat(ServiceTestBedJson.read(bed, SECONDARY, manifestKey)).isEqualTo(manifest);
        assertThat(manifest.at("/snapshot/binlogPosition").asLong()).isPositive();
        assertThat(manifest.toString()).doesNotContain(br.com.gorgen.backup.testbed.MariaDbServer.BACKUP_PASSWORD);

        // restore by hand with the standard tools: gpg --decrypt | gunzip | mariadb
        Path download = Files.createTempFile("backup", ".sql.gz.gpg");
        bed.s3.download(PRIMARY, key, download);
        String restored = "gorgen_restored_" + id;
        bed.db.createEmptyDatabase(restored);
        Map<String, String> env = Map.of("GNUPGHOME", bed.keys.gnupgHome().toString());
        String decrypt = "gpg --batch --quiet --pinentry-mode loopback --passphrase-file " + bed.keys.passphraseFile()
                + " --decrypt " + download;
        String plainSha = Cli.bash(decrypt + " | gunzip | sha256sum", env, 120).stdout().substring(0, 64);
        assertThat(plainSha).isEqualTo(manifest.at("/artifact/plaintextSha256").asText());
        Cli.bash(decrypt + " | gunzip | mariadb --no-defaults -uroot -S " + bed.db.socket() + " " + restored, env, 300);

        Map<String, Long> manifestCounts = new LinkedHashMap<>();
        for (JsonNode t : manifest.get("tables")) {
            manifestCounts.put(t.get("name").asText(), t.get("rows").asLong());
        }
        assertThat(manifestCounts).containsEntry("pacientes", 400L).containsEntry("atendimentos", 1500L)
                .containsEntry("audit_logs", 800L).containsEntry("tenants", 2L)
                .doesNotContainKeys("backup_history", "backup_audit_log");
        assertThat(bed.db.rowCounts(restored)).isEqualTo(manifestCounts);
        List<String> tables = new ArrayList<>(manifestCounts.keySet());
        assertThat(bed.db.checksums(restored, tables)).isEqualTo(bed.db.checksums(bed.database, tables));
        assertThat(bed.db.names(restored, "SHOW TRIGGERS")).containsExactly("atendimentos_atualiza_paciente");
        assertThat(bed.db.names(restored, "SHOW FUNCTION STATUS WHERE Db = '" + restored + "'")).isNotEmpty();
        assertThat(bed.db.names(restored, "SHOW FULL TABLES WHERE Table_type = 'VIEW'")).containsExactly("pacientes_resumo");
        assertThat(manifest.at("/objects/triggers").toString()).contains("atendimentos_atualiza_paciente");

        // metrics
        String metrics = bed.get("/observe/metrics", null).body();
        assertThat(metrics).contains("gorgen_backup_runs_total{outcome=\"success\",type=\"full\"}")
                .contains("gorgen_backup_last_success_timestamp_seconds{type=\"full\"}");

        // the success email arrived
        await("success email").atMost(Duration.ofSeconds(30))
                .until(() -> bed.mailSubjects().stream().anyMatch(s -> s.contains("#" + id + " concluído com sucesso")));
        Files.deleteIfExists(download);
    }

    @Test
    void aSecondTriggerWhileABackupRunsIsRefusedWith409AndTheRunningId() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AdviceWith.adviceWith(context, "backup-database-run",
                a -> a.weaveAddFirst().process(e -> gate.await(60, TimeUnit.SECONDS)));
        context.getRouteController().startRoute("backup-database-run");
        ServiceTestBed.Response first = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}");
        assertThat(first.status()).isEqualTo(202);
        long id = first.json().get("id").asLong();
        try {
            ServiceTestBed.Response second = bed.postJson("/api/backup/trigger", MASTER_KEY, "{\"type\":\"full\"}");
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.json().get("runningId").asLong()).isEqualTo(id);
            assertThat(second.json().get("reason").asText()).contains("already running");
            JsonNode status = bed.get("/api/backup/status", ADMIN_KEY).json();
            assertThat(status.get("running").asLong()).isEqualTo(id);
            assertThat(status.get("schedules").toString()).contains("database-full");
        } finally {
            gate.countDown();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> bed.backup(id).get("status").asText().equals("success"));
    }

    @Test
    void observeEndpointsServeHealthMetricsAndAReadOnlyJolokiaForHawtio() {
        assertThat(bed.get("/observe/health", null).body()).contains("UP");
        assertThat(bed.get("/observe/metrics", null).body()).contains("camel_exchanges_total");
        assertThat(bed.get("/observe/jolokia/search/org.apache.camel:type=routes,*", null).body())
                .contains("backup-database-run");
        ServiceTestBed.Response exec = bed.post("/observe/jolokia", null, "application/json",
                "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}");
        assertThat(exec.body()).contains("forbidden");
    }

    @Test
    void apiRefusesMissingInvalidAndInsufficientKeysAndBadInput() {
        assertThat(bed.postJson("/api/backup/trigger", null, "{\"type\":\"full\"}").status()).isEqualTo(401);
        ServiceTestBed.Response invalid = bed.postJson("/api/backup/trigger", "not-a-key", "{\"type\":\"full\"}");
        assertThat(invalid.status()).isEqualTo(401);
        assertThat(invalid.json().get("reason").asText()).isEqualTo("invalid API key");
        ServiceTestBed.Response forbidden = bed.get("/api/backup/audit", ADMIN_KEY);
        assertThat(forbidden.status()).as(forbidden.body()).isEqualTo(403);
        assertThat(forbidden.json().get("reason").asText()).contains("master");
        assertThat(bed.get("/api/backup/audit", MASTER_KEY).status()).isEqualTo(200);
        // request headers cannot pose as our own headers or steer a producer
        ServiceTestBed.Response forged = bed.send(java.net.http.HttpRequest.newBuilder(bed.uri("/api/backup/audit"))
                .header("ApiRole", "master").header("ApiCaller", "dr-andre").GET(), ADMIN_KEY);
        assertThat(forged.status()).isEqualTo(403);
        ServiceTestBed.Response steered = bed.send(java.net.http.HttpRequest.newBuilder(bed.uri("/api/backup/history"))
                .header("CamelSqlQuery", "DELETE FROM backup_history").GET(), ADMIN_KEY);
        assertThat(steered.status()).isEqualTo(200);

        ServiceTestBed.Response malformed = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("reason").asText()).contains("not valid JSON");
        assertThat(malformed.body()).doesNotContain("Exception").doesNotContain("at br.com");
        assertThat(bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"everything\"}").status()).isEqualTo(400);
        assertThat(bed.postJson("/api/backup/trigger", ADMIN_KEY, "[]").status()).isEqualTo(400);
        assertThat(bed.post("/api/backup/trigger", ADMIN_KEY, "text/plain", "full").status()).isEqualTo(415);
        ServiceTestBed.Response badLimit = bed.get("/api/backup/history?limit=abc", ADMIN_KEY);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(bed.get("/api/backup/history?status=nonsense", ADMIN_KEY).status()).isEqualTo(400);
        assertThat(bed.get("/api/backup/history?status=success&type=full&limit=5", ADMIN_KEY).status()).isEqualTo(200);
    }
}
