package br.com.gorgen.backup.it;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.FaultProxy;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source-database rows of the fault matrix: the service reaches the source server through a {@link FaultProxy}
 * (its catalog directly), with its own account. The server cut in the middle of a dump or of the binary logs an
 * incremental fetches, the account's password changed under it, and {@code mariadb-dump} / {@code mariadb-binlog}
 * killed ({@code kill -9}) while they run: each a failed row with a clear message, nothing stored that looks like a
 * backup, a CRITICAL alert, and the next run succeeds (shipping goes on without a gap).
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class SourceDatabaseFaultsTest {
    static final String USER = "srcfault";
    static final String PASSWORD = "Fonte-Segura-2026";
    static ServiceTestBed bed;
    static FaultProxy proxy;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_source_faults");
        bed.db.execRoot(null, "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'127.0.0.1'");
        proxy = new FaultProxy("127.0.0.1", bed.db.port());
        // two MB of random data: a dump and binary logs long enough to be cut or killed in the middle
        bed.db.execRoot(bed.database, "INSERT INTO audit_logs (tenant_id, usuario, acao, detalhes) SELECT 1, 'teste', "
                + "'teste', TO_BASE64(RANDOM_BYTES(1000)) FROM atendimentos LIMIT 1500");
        bed.with("backup.catalog.database.url", bed.db.databaseUrl(bed.database))
                .with("database.url", "mysql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + proxy.port() + "/" + bed.database)
                .applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        proxy.close();
        bed.db.execRoot(null, "DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'");
        bed.close();
    }

    @AfterEach
    void faultsGone() {
        proxy.pass();
        bed.db.execRoot(null, "ALTER USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'");
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

    static void failedCleanly(long id, String... reasons) {
        JsonNode row = finished(id);
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("failed");
        assertThat(row.get("errorMessage").asText()).as(row.toString()).containsAnyOf(reasons)
                .doesNotContain(PASSWORD);
        String path = row.get("filePath").asText();
        if (!path.isEmpty()) {
            String folder = path.substring(0, path.lastIndexOf('/') + 1);
            for (String bucket : List.of(PRIMARY, SECONDARY)) {
                assertThat(bed.s3.keys(bucket, folder)).noneMatch(k -> k.endsWith(".json") || k.endsWith(".gpg"));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("CRÍTICO") && s.contains("#" + id + " ")));
    }

    static void nextSucceeds(String type) {
        JsonNode row = finished(trigger(type));
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("success");
    }

    /** A program the service started (a child of this JVM), once it runs. */
    static ProcessHandle child(String program) {
        return await(program + " running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> ProcessHandle.current().descendants().filter(p -> p.info().command()
                        .map(c -> c.endsWith("/" + program)).orElse(false)).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "incremental"})
    void theSourceServerCutInTheMiddleFailsTheBackupCleanly(String type) {
        if (type.equals("incremental")) {
            bed.runFullBackup();
            bed.db.execRoot(bed.database, "INSERT INTO audit_logs (tenant_id, usuario, acao, detalhes) SELECT 1, 'teste', "
                    + "'teste', TO_BASE64(RANDOM_BYTES(1000)) FROM atendimentos LIMIT 1500");
        }
        proxy.cutAfterAnswers(300_000);
        failedCleanly(trigger(type), "Lost connection", "lost connection", "Can't connect", "exited with code",
                "database error", "incomplete");
        proxy.pass();
        nextSucceeds(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "incremental"})
    void aPasswordChangedUnderTheServiceFailsTheBackupWithoutShowingIt(String type) {
        if (type.equals("incremental")) {
            bed.runFullBackup();
        }
        bed.db.execRoot(null, "ALTER USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY 'changed-by-someone'");
        failedCleanly(trigger(type), "Access denied");
        bed.db.execRoot(null, "ALTER USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'");
        nextSucceeds(type);
    }

    @Test
    void aKilledDumpProgramFailsTheBackupCleanly() {
        proxy.slow(Duration.ofMillis(40)); // the dump takes seconds: time to kill it in the middle
        long id = trigger("full");
        ProcessHandle dump = child("mariadb-dump");
        assertThat(dump.destroyForcibly()).isTrue();
        proxy.pass();
        failedCleanly(id, "mariadb-dump");
        nextSucceeds("full");
    }

    @Test
    void aKilledBinlogProgramFailsTheShipmentAndTheNextRunShipsWithoutAGap() {
        bed.runFullBackup();
        bed.db.execRoot(bed.database, "INSERT INTO audit_logs (tenant_id, usuario, acao, detalhes) SELECT 1, 'teste', "
                + "'teste', TO_BASE64(RANDOM_BYTES(1000)) FROM atendimentos LIMIT 1500");
        int failedBefore = failedShipments();
        String file = bed.currentBinlogFile();
        proxy.slow(Duration.ofMillis(40));
        assertThat(bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"transactional\"}").status()).isEqualTo(202);
        assertThat(child("mariadb-binlog").destroyForcibly()).isTrue();
        proxy.pass();
        await().atMost(Duration.ofSeconds(90)).until(() -> failedShipments() > failedBefore);
        bed.db.execRoot(bed.database, "INSERT INTO tenants (nome) VALUES ('depois')");
        bed.shipBinlogs();
        assertThat(bed.shippedBinlogs()).anyMatch(b -> b.get("binlogFile").asText().equals(file));
        JsonNode window = bed.get("/api/backup/status", ADMIN_KEY).json().at("/pointInTimeRecovery");
        assertThat(window.get("gaps")).as(window.toString()).isEmpty();
        assertThat(window.get("windows")).as(window.toString()).hasSize(1);
    }

    static int failedShipments() {
        return bed.get("/api/backup/history?type=transactional&status=failed&limit=1000", ADMIN_KEY).json()
                .get("backups").size();
    }
}
