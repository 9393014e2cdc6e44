package br.com.gorgen.backup.it;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
import static org.awaitility.Awaitility.await;

/**
 * Point-in-time recovery against the real services: write, ship, note a time T, make a mistake (mass delete and
 * update), ship; recovering to T gives exactly the rows that existed at T, row by row; recovering to the latest point
 * gives the state after the mistake; points outside the window are refused with the window; production needs
 * confirmation and a safety backup.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class PointInTimeRecoveryTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_pitr_src");
        bed.with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    private static List<String> patients(String database) {
        return bed.db.names(database, "SELECT CONCAT_WS('|', id, nome, IFNULL(cpf, '-'), IFNULL(nascimento, '-'), "
                + "IFNULL(observacoes, '-'), IFNULL(ultimo_atendimento, '-')) FROM pacientes ORDER BY id");
    }

    private static String masterPosition() {
        try (var c = bed.db.rootConnection(null); var st = c.createStatement(); var rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(2);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static long count(String database, String table) {
        return Long.parseLong(bed.db.names(database, "SELECT COUNT(*) FROM " + table).get(0));
    }

    private static JsonNode awaitRestore(long restoreId) {
        await().atMost(Duration.ofSeconds(180)).until(() -> !bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json()
                .get("status").asText().equals("running"));
        return bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json();
    }

    private static JsonNode recover(String json) {
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/pitr", MASTER_KEY, json);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        JsonNode done = awaitRestore(accepted.json().get("restoreId").asLong());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("verified");
        return done;
    }

    @Test
    void recoversExactlyTheRowsOfAPointInTimeBeforeAMistakeAndTheLatestPointAfterIt() {
        String src = bed.database;
        bed.runFullBackup();
        bed.db.execRoot(src, "INSERT INTO pacientes (tenant_id, nome, cpf, nascimento) VALUES "
                + "(1, 'Ana Antes', '11111111111', '1970-01-01'), (2, 'João Antes', NULL, NULL)",
                "SET @p = (SELECT MAX(id) FROM pacientes)",
                "INSERT INTO atendimentos (paciente_id, data_hora, queixa) VALUES (@p, '2026-01-10 09:00:00', 'consulta antes')");
        bed.shipBinlogs();
        bed.db.execRoot(src, "UPDATE pacientes SET observacoes = 'revisado' WHERE id % 7 = 0",
                "CREATE TEMPORARY TABLE tmp_ids AS SELECT id FROM pacientes WHERE id % 11 = 0",
                "UPDATE pacientes SET cpf = NULL WHERE id IN (SELECT id FROM tmp_ids)");

        // T: everything above happened before it, everything below after
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        await().pollInterval(Duration.ofMillis(50)).until(() -> Instant.now().isAfter(t.plusMillis(20)));
        List<String> patientsAtT = patients(src);
        long visitsAtT = count(src, "atendimentos");
        String mistakeFile = bed.currentBinlogFile();
        long mistakePosition = Long.parseLong(masterPosition());

        // the mistake: a mass delete and a mass update, then shipped
        bed.db.execRoot(src, "DELETE FROM atendimentos WHERE paciente_id % 2 = 0",
                "UPDATE pacientes SET nome = 'APAGADO POR ENGANO'");
        bed.shipBinlogs();
        List<String> patientsNow = patients(src);
        assertThat(patientsNow).isNotEqualTo(patientsAtT);

        JsonNode pitr = bed.get("/api/backup/status", ADMIN_KEY).json().get("pointInTimeRecovery");
        assertThat(pitr.get("available").asBoolean()).as(pitr.toString()).isTrue();
        assertThat(Instant.parse(pitr.get("earliest").asText())).isBefore(t);
        assertThat(Instant.parse(pitr.get("latest").asText())).isAfter(t);

        // to T, given in Brasília time as a user would
        String at = t.atOffset(ZoneOffset.ofHours(-3)).toString();
        JsonNode atT = recover("{\"pointInTime\":\"" + at + "\"}");
        assertThat(atT.get("target").asText()).isEqualTo("pitr");
        assertThat(atT.get("pointInTime").asText()).isEqualTo(at);
        String restored = atT.get("database").asText();
        assertThat(patients(restored)).isEqualTo(patientsAtT);
        assertThat(count(restored, "atendimentos")).isEqualTo(visitsAtT);
        assertThat(atT.at("/validation/status").asText()).isEqualTo("verified");

        // to the latest shipped point: the state after the mistake
        JsonNode latest = recover("{\"pointInTime\":\"latest\"}");
        assertThat(patients(latest.get("database").asText())).isEqualTo(patientsNow);
        assertThat(count(latest.get("database").asText(), "atendimentos")).isEqualTo(count(src, "atendimentos"));

        // to the binary-log position where the mistake begins: the same rows as at T
        JsonNode atPosition = recover("{\"binlogFile\":\"" + mistakeFile + "\",\"binlogPosition\":" + mistakePosition + "}");
        assertThat(patients(atPosition.get("database").asText())).isEqualTo(patientsAtT);

        // outside the window, in the future, malformed, wrong role
        ServiceTestBed.Response before = bed.postJson("/api/backup/restore/pitr", MASTER_KEY,
                "{\"pointInTime\":\"2001-01-01T00:00:00Z\"}");
        assertThat(before.status()).isEqualTo(422);
        assertThat(before.json().get("windows").size()).isGreaterThan(0);
        assertThat(bed.postJson("/api/backup/restore/pitr", MASTER_KEY, "{\"pointInTime\":\"2999-01-01T00:00:00Z\"}")
                .status()).isEqualTo(422);
        ServiceTestBed.Response malformed = bed.postJson("/api/backup/restore/pitr", MASTER_KEY, "{\"pointInTime\":\"ontem\"}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("reason").asText()).contains("ISO-8601");
        assertThat(bed.postJson("/api/backup/restore/pitr", ADMIN_KEY, "{\"pointInTime\":\"latest\"}").status()).isEqualTo(403);

        // over production: refused without confirmation, then recovered to T with a safety backup first
        ServiceTestBed.Response unconfirmed = bed.postJson("/api/backup/restore/pitr", MASTER_KEY,
                "{\"pointInTime\":\"" + at + "\",\"target\":\"production\"}");
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(patients(src)).isEqualTo(patientsNow);
        JsonNode production = recover("{\"pointInTime\":\"" + at + "\",\"target\":\"production\",\"confirm\":\"" + at + "\"}");
        assertThat(production.get("target").asText()).isEqualTo("pitr-production");
        assertThat(patients(src)).isEqualTo(patientsAtT);
        assertThat(count(src, "atendimentos")).isEqualTo(visitsAtT);
        assertThat(bed.get("/api/backup/history?type=full&limit=10", ADMIN_KEY).json().get("backups"))
                .anyMatch(b -> b.get("createdBy").asText().startsWith("safety before restore"));
    }
}
