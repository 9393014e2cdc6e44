package br.com.gorgen.backup.it;

import java.time.Duration;
import java.util.Random;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.S3Server;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The corrupt-copy rows of the fault matrix for point-in-time recovery and documents restores (database restores are
 * in {@code RestoreTest}): a byte flipped in a stored object's file (S3Proxy keeps objects as plain files). One copy
 * corrupt: the other is used, verified, and a CRITICAL alert names the bad one. Both corrupt: the recovery fails and
 * says there is no intact copy.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class CorruptCopiesTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_corrupt");
        Random random = new Random(11);
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[20_000];
            random.nextBytes(b);
            int n = i;
            bed.s3.client().putObject(r -> r.bucket(ServiceTestBed.DOCUMENTS).key("laudos/" + n + ".pdf"),
                    RequestBody.fromBytes(b));
        }
        bed.with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).with("documents.s3.bucket", ServiceTestBed.DOCUMENTS)
                .with("documents.s3.access.key", S3Server.ACCESS_KEY).with("documents.s3.secret.key", S3Server.SECRET_KEY)
                .applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    static JsonNode awaitRestore(ServiceTestBed.Response accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long restoreId = accepted.json().get("restoreId").asLong();
        await().atMost(Duration.ofSeconds(180)).until(() -> !bed.get("/api/backup/restore/" + restoreId, MASTER_KEY)
                .json().get("status").asText().equals("running"));
        return bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json();
    }

    @Test
    void aPointInTimeRecoveryTakesTheIntactCopyOfAShippedLogAndRefusesWhenBothAreCorrupt() throws Exception {
        bed.runFullBackup();
        bed.db.execRoot(bed.database, "INSERT INTO tenants (nome) VALUES ('depois do backup')");
        String file = bed.shipBinlogs();
        JsonNode shipped = bed.shippedBinlogs().stream().filter(b -> b.get("binlogFile").asText().equals(file))
                .findFirst().orElseThrow();
        String key = shipped.get("filePath").asText();
        RestoreTest.flipAByte(bed.s3.objectFile(PRIMARY, key));

        JsonNode done = awaitRestore(bed.postJson("/api/backup/restore/pitr", MASTER_KEY, "{\"pointInTime\":\"latest\"}"));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("verified");
        assertThat(bed.db.names(done.get("database").asText(), "SELECT COUNT(*) FROM tenants WHERE nome = 'depois do "
                + "backup'")).containsExactly("1");
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("CRÍTICO") && s.contains("cópia do backup")));

        RestoreTest.flipAByte(bed.s3.objectFile(SECONDARY, key));
        JsonNode refused = awaitRestore(bed.postJson("/api/backup/restore/pitr", MASTER_KEY,
                "{\"pointInTime\":\"latest\"}"));
        assertThat(refused.get("status").asText()).isEqualTo("failed");
        assertThat(refused.get("errorMessage").asText()).contains("no intact copy of backup " + shipped.get("id").asLong());
    }

    @Test
    void aDocumentsRestoreTakesTheIntactCopyOfAPackAndFailsWhenBothAreCorrupt() throws Exception {
        JsonNode backup = bed.runBackup("documents-full");
        String pack = bed.s3.keys(PRIMARY, "gorgen-backup/tenant-1/documents/packs/").stream()
                .filter(k -> k.endsWith(".gpg")).findFirst().orElseThrow();
        RestoreTest.flipAByte(bed.s3.objectFile(PRIMARY, pack));
        JsonNode done = awaitRestore(bed.postJson("/api/backup/restore/" + backup.get("id").asLong(), MASTER_KEY, "{}"));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("verified");
        assertThat(done.at("/validation/rowCounts/documents").asLong()).isEqualTo(12);

        RestoreTest.flipAByte(bed.s3.objectFile(SECONDARY, pack));
        JsonNode refused = awaitRestore(bed.postJson("/api/backup/restore/" + backup.get("id").asLong(), MASTER_KEY,
                "{}"));
        assertThat(refused.get("status").asText()).isEqualTo("failed");
        assertThat(refused.get("errorMessage").asText()).contains("no intact copy of " + pack);
    }
}
