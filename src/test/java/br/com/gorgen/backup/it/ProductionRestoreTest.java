package br.com.gorgen.backup.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restore over production through the API, against the real services: production ends exactly as the backup
 * (tables, rows, the view, function, trigger, procedure and event, with the backup's definers where their account
 * exists), its previous tables are kept aside and named in the answer and the e-mail, an operator can roll it back
 * (production as it was, everything the restore replaced back) or confirm it (the previous tables dropped), and
 * malformed requests change nothing.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class ProductionRestoreTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_prodrestore");
        bed.db.execRoot(null, "CREATE USER IF NOT EXISTS 'gorgen_app'@'%' IDENTIFIED BY 'x'",
                "GRANT ALL ON gorgen_prodrestore.* TO 'gorgen_app'@'%'");
        bed.db.execRoot(bed.database, "CREATE DEFINER='gorgen_app'@'%' VIEW atendimentos_por_paciente AS "
                + "SELECT paciente_id, COUNT(*) AS n FROM atendimentos GROUP BY paciente_id",
                "CREATE PROCEDURE conta_pacientes() SELECT COUNT(*) FROM pacientes",
                "CREATE EVENT arquiva ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DISABLE DO DELETE FROM audit_logs WHERE id < 0");
        bed.with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.db.execRoot(null, "SET GLOBAL read_only = 0", "DROP USER IF EXISTS 'gorgen_app'@'%'");
        bed.close();
    }

    static JsonNode restoreOverProduction(long backupId, String extra) {
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY,
                "{\"target\":\"production\",\"confirm\":\"" + backupId + "\"" + extra + "}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long restoreId = accepted.json().get("restoreId").asLong();
        await().atMost(Duration.ofSeconds(180)).until(() -> !bed.get("/api/backup/restore/" + restoreId, MASTER_KEY)
                .json().get("status").asText().equals("running"));
        return bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json();
    }

    static final List<String> OWN = List.of("restore_history", "documents_state", "documents_content", "production_switch",
            "production_switch_object");

    /** Row counts of the clinic's tables (the service's own, which the restore leaves alone, out). */
    Map<String, Long> appRows() {
        Map<String, Long> rows = new java.util.TreeMap<>(bed.db.rowCounts(bed.database));
        rows.keySet().removeIf(t -> t.startsWith("backup_") || OWN.contains(t));
        return rows;
    }

    List<String> objects() {
        return bed.db.names(bed.database, "SELECT CONCAT(TABLE_TYPE, ' ', TABLE_NAME) FROM information_schema.TABLES "
                + "WHERE TABLE_SCHEMA = '" + bed.database + "' AND TABLE_NAME NOT LIKE 'backup\\_%' AND TABLE_NAME NOT IN "
                + "('restore_history', 'documents_state', 'documents_content', 'production_switch', "
                + "'production_switch_object') UNION ALL SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME, ' ', DEFINER) FROM "
                + "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + bed.database + "' UNION ALL SELECT "
                + "CONCAT('TRIGGER ', TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '"
                + bed.database + "' AND EVENT_OBJECT_TABLE NOT LIKE 'backup\\_%' UNION ALL SELECT CONCAT('EVENT ', "
                + "EVENT_NAME, ' ', STATUS) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '" + bed.database
                + "' UNION ALL SELECT CONCAT('DEFINER ', TABLE_NAME, ' ', DEFINER) FROM information_schema.VIEWS WHERE "
                + "TABLE_SCHEMA = '" + bed.database + "' ORDER BY 1");
    }

    @Test
    void productionBecomesTheBackupKeepsItsDefinersAndCanBeRolledBackThenConfirmedOnAnotherRestore() {
        long backupId = bed.runFullBackup();
        Map<String, Long> atBackup = appRows();
        List<String> objectsAtBackup = objects();
        assertThat(objectsAtBackup).contains("VIEW atendimentos_por_paciente", "DEFINER atendimentos_por_paciente gorgen_app@%",
                "EVENT arquiva DISABLED", "TRIGGER atendimentos_atualiza_paciente");
        // the data goes wrong after the backup: a mass delete, a new table, a dropped view and procedure
        bed.db.execRoot(bed.database, "DELETE FROM atendimentos WHERE id > 100", "CREATE TABLE rascunho (id INT)",
                "INSERT INTO rascunho VALUES (1)", "DROP VIEW atendimentos_por_paciente", "DROP PROCEDURE conta_pacientes");
        Map<String, Long> wrong = appRows();
        List<String> objectsWrong = objects();

        JsonNode done = restoreOverProduction(backupId, "");
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("verified");
        assertThat(appRows()).isEqualTo(atBackup);
        assertThat(objects()).isEqualTo(objectsAtBackup);
        assertThat(bed.db.names(bed.database, "SELECT COUNT(*) FROM atendimentos_por_paciente")).containsExactly("400");
        assertThat(bed.db.names(null, "SELECT @@GLOBAL.read_only")).containsExactly("0");
        String notes = done.at("/validation/notes").toString();
        assertThat(notes).contains("definers kept as in the backup: `gorgen_app`@`%`").contains("_before_restore_");
        long restoreId = done.get("restoreId").asLong();
        String kept = bed.database + "_before_restore_";
        List<String> keptSchemas = bed.db.names(null, "SHOW DATABASES LIKE '" + kept + "%'");
        assertThat(keptSchemas).hasSize(1);
        assertThat(bed.db.rowCounts(keptSchemas.get(0))).containsEntry("rascunho", 1L).containsEntry("atendimentos", 100L);
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("Restauração #" + restoreId) && s.contains("PRODUÇÃO")));

        // the operator rolls it back: production exactly as it was before the restore
        assertThat(bed.postJson("/api/backup/restore/" + restoreId + "/rollback", MASTER_KEY, "{}").status()).isEqualTo(400);
        ServiceTestBed.Response back = bed.postJson("/api/backup/restore/" + restoreId + "/rollback", MASTER_KEY,
                "{\"confirm\":\"" + restoreId + "\"}");
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(appRows()).isEqualTo(wrong);
        assertThat(objects()).isEqualTo(objectsWrong);
        assertThat(bed.db.names(null, "SHOW DATABASES LIKE '" + kept + "%'")).isEmpty();
        assertThat(bed.postJson("/api/backup/restore/" + restoreId + "/confirm", MASTER_KEY, "").status()).isEqualTo(409);
        assertThat(bed.get("/api/backup/audit", MASTER_KEY).body()).contains("backup.restore.rollback");

        // restored again, without read-only this time, and confirmed: the previous tables are dropped
        JsonNode again = restoreOverProduction(backupId, ",\"readOnly\":false");
        assertThat(again.get("status").asText()).as(again.toString()).isEqualTo("verified");
        assertThat(appRows()).isEqualTo(atBackup);
        long second = again.get("restoreId").asLong();
        ServiceTestBed.Response confirmed = bed.post("/api/backup/restore/" + second + "/confirm", MASTER_KEY,
                "application/json", "");
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        assertThat(bed.db.names(null, "SHOW DATABASES LIKE '" + kept + "%'")).isEmpty();
        assertThat(appRows()).isEqualTo(atBackup);
        assertThat(bed.get("/api/backup/audit", MASTER_KEY).body()).contains("backup.restore.confirm");
    }

    @Test
    void malformedRequestsAreRefusedWithTheFieldNamedAndChangeNothing() {
        long backupId = bed.runFullBackup();
        Map<String, Long> before = appRows();
        String confirm = "\"target\":\"production\",\"confirm\":\"" + backupId + "\"";
        ServiceTestBed.Response r = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY,
                "{" + confirm + ",\"readOnly\":\"yes\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("readOnly");
        r = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{" + confirm + ",\"readonly\":true}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("readonly");
        r = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{\"readOnly\":true}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("reason").asText()).contains("only for");
        r = bed.postJson("/api/backup/restore/" + backupId, MASTER_KEY, "{" + confirm + "," + confirm + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        r = bed.postJson("/api/backup/restore/pitr", MASTER_KEY, "{\"binlogFile\":\"binlog.000001\",\"binlogPosition\":12.7}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("binlogPosition");
        r = bed.postJson("/api/backup/trigger", MASTER_KEY, "{\"type\":\"full\",\"force\":true}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("force");
        r = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "{\"dryRun\":false}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at br.com");
        assertThat(appRows()).isEqualTo(before);
    }
}
