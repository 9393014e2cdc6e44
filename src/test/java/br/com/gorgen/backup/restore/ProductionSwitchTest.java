package br.com.gorgen.backup.restore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import br.com.gorgen.backup.catalog.SchemaMigrator;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.testbed.MariaDbServer;
import com.mysql.cj.jdbc.MysqlDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The switch of production to a staged copy against a real MariaDB, and its way back from every step: production is
 * a GORGEN database with a view, a function, a trigger, a procedure, an event, foreign keys, a table the backup does
 * not have and a table of the service itself (with its own trigger); the staged copy has other rows and objects. A
 * switch leaves production exactly as the staged copy (rows and every object's definition) and the previous tables
 * in their schema; a failure, or a crash (the switch stopped dead, as by {@code kill -9}), at any step leaves
 * production exactly as it was once rolled back (as at the next start), and the rollback can run twice.
 */
class ProductionSwitchTest {
    static final String P = "gorgen_switch_prod";
    static final String S = "gorgen_switch_staged";
    static final String CATALOG = "gorgen_switch_catalog";
    static final Instant STARTED = Instant.parse("2026-12-04T10:00:00Z");

    final MariaDbServer db = MariaDbServer.shared();
    ProductionSwitch sw;
    SwitchJournal journal;
    long restoreId;
    static long nextRestore = 1;

    /** Stops a switch as a kill -9 would: nothing after it runs, no catch block either. */
    static final class Crash extends Error {
        Crash(String step) {
            super("crash after " + step);
        }
    }

    @BeforeEach
    void prepare() {
        db.createGorgenDatabase(P);
        db.execRoot(P, "CREATE TABLE rascunho (id INT PRIMARY KEY)", "INSERT INTO rascunho VALUES (1), (2)",
                "CREATE TABLE service_own (id INT PRIMARY KEY, note VARCHAR(20))", "INSERT INTO service_own VALUES (7, 'x')",
                "CREATE TRIGGER service_own_guard BEFORE DELETE ON service_own FOR EACH ROW SET @guard = 1",
                "CREATE PROCEDURE limpa_rascunho() DELETE FROM rascunho",
                "CREATE EVENT limpeza ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DISABLE DO DELETE FROM rascunho");
        db.createGorgenDatabase(S);
        db.execRoot(S, "DELETE FROM atendimentos WHERE id > 500",
                "CREATE VIEW atendimentos_recentes AS SELECT id, paciente_id FROM atendimentos WHERE id > 400");
        db.execRoot(null, "DROP DATABASE IF EXISTS " + CATALOG, "CREATE DATABASE " + CATALOG);
        MysqlDataSource catalog = new MysqlDataSource();
        catalog.setUrl("jdbc:mysql://127.0.0.1:" + db.port() + "/" + CATALOG + "?user=root&password=");
        journal = new SwitchJournal(catalog, new SchemaMigrator(catalog), 1);
        DatabaseUrl production = DatabaseUrl.parse(db.databaseUrl(P));
        sw = new ProductionSwitch(production, journal, List.of("service_own"), Clock.systemUTC(), Duration.ofHours(72));
        restoreId = nextRestore++;
        try {
            journal.open(restoreId, P, S, sw.previousSchema(STARTED), STARTED);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @org.junit.jupiter.api.AfterEach
    void writable() {
        db.execRoot(null, "SET GLOBAL read_only = 0");
    }

    /** Every table's checksum and every object's definition (schema qualifiers removed), by name. */
    Map<String, String> state(String schema) {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.rootConnection(schema); Statement st = c.createStatement()) {
            for (String t : db.names(schema, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                    + schema + "' AND TABLE_TYPE = 'BASE TABLE'")) {
                try (ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + t + "` EXTENDED")) {
                    rs.next();
                    out.put("table " + t, rs.getString(2));
                }
                try (ResultSet rs = st.executeQuery("SHOW CREATE TABLE `" + t + "`")) {
                    rs.next();
                    out.put("ddl " + t, rs.getString(2).replaceAll(" AUTO_INCREMENT=\\d+", ""));
                }
            }
            for (SchemaObjects.SchemaObject o : SchemaObjects.read(c, schema, List.of())) {
                out.put(o.describe(), o.ddl().replace("`" + schema + "`.", "").replaceAll("STARTS '[^']*'", ""));
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }

    boolean exists(String schema) {
        return db.names(null, "SHOW DATABASES").contains(schema);
    }

    @Test
    void aSwitchMakesProductionTheStagedCopyKeepsThePreviousTablesAndCanBeRolledBackOrConfirmed() throws Exception {
        Map<String, String> before = state(P);
        assertThat(before).containsKeys("view pacientes_resumo", "function idade", "procedure limpa_rascunho",
                "trigger atendimentos_atualiza_paciente", "event limpeza", "table rascunho", "trigger service_own_guard");
        Map<String, String> staged = state(S);
        assertThat(staged).containsKeys("view atendimentos_recentes").doesNotContainKeys("table rascunho");
        ProductionSwitch.Switched done = sw.switchOver(restoreId);
        sw.finish(restoreId, done.keepUntil());

        Map<String, String> after = state(P);
        // production is the staged copy, plus the service's own table (with its trigger), untouched
        assertThat(after).containsAllEntriesOf(staged);
        assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(
                new java.util.TreeSet<>(java.util.stream.Stream.concat(staged.keySet().stream(), java.util.stream.Stream.of(
                        "table service_own", "ddl service_own", "trigger service_own_guard")).toList()));
        assertThat(after.get("table service_own")).isEqualTo(before.get("table service_own"));
        // the previous tables (the one the backup lacks too) are kept, with their rows
        String kept = done.previousSchema();
        assertThat(kept).isEqualTo("gorgen_switch_prod_before_restore_20261204t100000z");
        assertThat(db.rowCounts(kept)).containsEntry("rascunho", 2L).containsEntry("atendimentos", 1500L)
                .doesNotContainKey("service_own");
        assertThat(exists(S)).isFalse();
        // foreign keys follow the tables: the restored child points at the restored parent
        assertThat(db.names(null, "SELECT REFERENCED_TABLE_SCHEMA FROM information_schema.KEY_COLUMN_USAGE WHERE "
                + "TABLE_SCHEMA = '" + P + "' AND REFERENCED_TABLE_NAME IS NOT NULL")).containsOnly(P);

        // an operator's rollback: production as before, the restored tables kept aside
        assertThat(sw.rollBack(restoreId, "test")).contains("kept in " + S);
        assertThat(state(P)).isEqualTo(before);
        assertThat(db.rowCounts(S)).containsEntry("atendimentos", 500L);
        assertThat(exists(kept)).isFalse();
        assertThat(journal.find(restoreId).orElseThrow().phase()).isEqualTo(SwitchJournal.Phase.ROLLED_BACK);
    }

    @Test
    void confirmingDropsThePreviousTablesAndSoDoesTheirTimePassing() throws Exception {
        ProductionSwitch.Switched done = sw.switchOver(restoreId);
        sw.finish(restoreId, done.keepUntil());
        assertThat(sw.dropExpired(done.keepUntil().minusSeconds(1))).isEmpty();
        assertThat(exists(done.previousSchema())).isTrue();
        assertThat(sw.dropExpired(done.keepUntil())).containsExactly(restoreId);
        assertThat(exists(done.previousSchema())).isFalse();
        assertThatThrownBy(() -> sw.rollBack(restoreId, "too late")).hasMessageContaining("confirmed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"prepared", "dropped", "renamed", "created"})
    void aCrashAtAnyStepIsRolledBackAtTheNextStartAndProductionIsExactlyAsItWas(String step) throws Exception {
        Map<String, String> before = state(P);
        sw.onStep(s -> {
            if (s.equals(step)) {
                throw new Crash(s);
            }
        });
        assertThatThrownBy(() -> sw.switchOver(restoreId)).isInstanceOf(Crash.class);
        sw.onStep(s -> { });

        List<String> recovered = sw.recoverUnfinished(); // what the next start does
        assertThat(recovered).hasSize(1);
        assertThat(recovered.get(0)).contains("put back");
        assertThat(state(P)).isEqualTo(before);
        assertThat(exists(S)).isFalse();
        assertThat(exists(sw.previousSchema(STARTED))).isFalse();
        assertThat(sw.recoverUnfinished()).isEmpty();
        assertThat(state(P)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dropped", "renamed", "created"})
    void aFailureAtAnyStepIsRolledBackAtOnce(String step) throws Exception {
        Map<String, String> before = state(P);
        sw.onStep(s -> {
            if (s.equals(step)) {
                throw new IllegalStateException("injected at " + s);
            }
        });
        assertThatThrownBy(() -> sw.switchOver(restoreId)).isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("injected at " + step).hasMessageContaining("put back as it was");
        assertThat(state(P)).isEqualTo(before);
        assertThat(journal.find(restoreId).orElseThrow().phase()).isEqualTo(SwitchJournal.Phase.ROLLED_BACK);
        assertThat(sw.recoverUnfinished()).isEmpty();
    }

    @Test
    void aSwitchInterruptedWhileStagingLeavesProductionUntouchedAndDropsTheStagedCopy() throws Exception {
        Map<String, String> before = state(P);
        assertThat(sw.recoverUnfinished()).containsExactly("restore #" + restoreId + ": production was not touched");
        assertThat(state(P)).isEqualTo(before);
        assertThat(exists(S)).isFalse();
    }

    @Test
    void theReadOnlySwitchIsTurnedBackWhenTheSwitchEndsOrIsRolledBack() throws Exception {
        sw.makeReadOnly(restoreId);
        assertThat(db.names(null, "SELECT @@GLOBAL.read_only")).containsExactly("1");
        sw.onStep(s -> {
            if (s.equals("renamed")) {
                throw new Crash(s);
            }
        });
        assertThatThrownBy(() -> sw.switchOver(restoreId)).isInstanceOf(Crash.class);
        sw.onStep(s -> { });
        assertThat(db.names(null, "SELECT @@GLOBAL.read_only")).containsExactly("1");
        sw.recoverUnfinished();
        assertThat(db.names(null, "SELECT @@GLOBAL.read_only")).containsExactly("0");
    }
}
