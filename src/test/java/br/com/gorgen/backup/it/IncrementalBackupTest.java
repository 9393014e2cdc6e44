package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.Cli;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
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
 * Daily incrementals against the real services: each holds the binary logs since the previous backup of its chain
 * and names its parent; restoring the second one (API, and by hand with gpg, tar, mariadb-binlog and mariadb) gives
 * exactly the source's rows at that moment.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class IncrementalBackupTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_incremental_src");
        bed.with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    private static List<String> patients(String database) {
        return bed.db.names(database, "SELECT CONCAT_WS('|', id, nome, IFNULL(cpf, '-'), IFNULL(observacoes, '-'), "
                + "IFNULL(ultimo_atendimento, '-')) FROM pacientes ORDER BY id");
    }

    private static long runIncremental() {
        ServiceTestBed.Response r = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"incremental\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("type").asText()).isEqualTo("incremental");
        long id = r.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(90)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
        JsonNode b = bed.backup(id);
        assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("success");
        return id;
    }

    @Test
    void incrementalsChainToTheirParentAndRestoreToExactlyTheSourceRows() throws Exception {
        String src = bed.database;
        long fullId = bed.runFullBackup();
        JsonNode full = bed.backup(fullId);
        bed.db.execRoot(src, "INSERT INTO pacientes (tenant_id, nome) VALUES (1, 'Depois do completo')",
                "UPDATE pacientes SET observacoes = 'dia 1' WHERE id % 5 = 0");
        long first = runIncremental();
        bed.db.execRoot(src, "DELETE FROM atendimentos WHERE id % 3 = 0", "UPDATE pacientes SET cpf = NULL WHERE id % 4 = 0");
        long second = runIncremental();
        List<String> expected = patients(src);
        long visits = Long.parseLong(bed.db.names(src, "SELECT COUNT(*) FROM atendimentos").get(0));

        JsonNode one = bed.backup(first);
        JsonNode two = bed.backup(second);
        assertThat(one.get("parentId").asLong()).isEqualTo(fullId);
        assertThat(two.get("parentId").asLong()).isEqualTo(first);
        assertThat(one.get("startBinlogFile").asText()).isEqualTo(full.get("binlogFile").asText());
        assertThat(one.get("startBinlogPosition").asLong()).isEqualTo(full.get("binlogPosition").asLong());
        assertThat(two.get("startBinlogFile").asText()).as("the chain continues where the first ends")
                .isEqualTo(one.get("binlogFile").asText());
        String key = two.get("filePath").asText();
        assertThat(key).endsWith(".binlog.tar.gz.gpg");
        assertThat(bed.s3.sha256(PRIMARY, key)).isEqualTo(two.get("checksumSha256").asText())
                .isEqualTo(bed.s3.sha256(SECONDARY, key));
        JsonNode manifest = br.com.gorgen.backup.support.Json.mapper().readTree(
                bed.s3.readString(PRIMARY, two.get("manifestPath").asText()));
        assertThat(manifest.at("/binlog/parentId").asLong()).isEqualTo(first);
        assertThat(manifest.at("/binlog/baseFullId").asLong()).isEqualTo(fullId);

        // over the API: the full backup plus both incrementals replayed
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/" + second, MASTER_KEY, "{}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long restoreId = accepted.json().get("restoreId").asLong();
        await().atMost(Duration.ofSeconds(120)).until(() -> !bed.get("/api/backup/restore/" + restoreId, MASTER_KEY)
                .json().get("status").asText().equals("running"));
        JsonNode restore = bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json();
        assertThat(restore.get("status").asText()).as(restore.toString()).isEqualTo("verified");
        assertThat(patients(restore.get("database").asText())).isEqualTo(expected);

        // by hand, with the standard tools only
        Path work = Files.createTempDirectory("incremental-by-hand-");
        Map<String, String> env = Map.of("GNUPGHOME", bed.keys.gnupgHome().toString());
        String gpg = "gpg --batch --quiet --pinentry-mode loopback --passphrase-file " + bed.keys.passphraseFile() + " --decrypt ";
        bed.s3.download(PRIMARY, full.get("filePath").asText(), work.resolve("full.sql.gz.gpg"));
        bed.s3.download(PRIMARY, bed.backup(first).get("filePath").asText(), work.resolve("inc1.tar.gz.gpg"));
        bed.s3.download(PRIMARY, key, work.resolve("inc2.tar.gz.gpg"));
        String byHand = "gorgen_incremental_by_hand";
        bed.db.createEmptyDatabase(byHand);
        String client = "mariadb --no-defaults -uroot -S " + bed.db.socket();
        Cli.Result r = Cli.bash("set -e; cd " + work + "; mkdir logs; "
                + gpg + "full.sql.gz.gpg | gunzip | " + client + " " + byHand + "; "
                + gpg + "inc1.tar.gz.gpg | tar -xz -C logs; " + gpg + "inc2.tar.gz.gpg | tar -xz -C logs; "
                + "mariadb-binlog --start-position=" + full.get("binlogPosition").asLong() + " --database=" + src
                + " --rewrite-db='" + src + "->" + byHand + "' logs/* | " + client + " " + byHand, env, 300);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(patients(byHand)).isEqualTo(expected);
        assertThat(Long.parseLong(bed.db.names(byHand, "SELECT COUNT(*) FROM atendimentos").get(0))).isEqualTo(visits);
    }

    @Test
    void aTransactionalBackupIsNoRestorePointOfItsOwn() {
        bed.runFullBackup();
        bed.db.execRoot(bed.database, "UPDATE pacientes SET observacoes = 'x' WHERE id = 1");
        bed.shipBinlogs();
        long shippedId = bed.shippedBinlogs().get(bed.shippedBinlogs().size() - 1).get("id").asLong();
        ServiceTestBed.Response r = bed.postJson("/api/backup/restore/" + shippedId, MASTER_KEY, "{}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("reason").asText()).contains("/api/backup/restore/pitr");
    }
}
