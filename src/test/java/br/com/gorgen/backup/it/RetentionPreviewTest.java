package br.com.gorgen.backup.it;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.retention.RetentionDecision;
import br.com.gorgen.backup.retention.RetentionEntry;
import br.com.gorgen.backup.retention.RetentionEntry.Kind;
import br.com.gorgen.backup.retention.RetentionEntry.Status;
import br.com.gorgen.backup.retention.RetentionPolicy;
import br.com.gorgen.backup.retention.RetentionSettings;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /api/backup/retention/preview over a catalog of 400 days of backups written into backup_history: every verdict
 * and reason is the pure policy's for the same rows at the instant the service answered, nothing is changed (dry
 * run), and the role is checked.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class RetentionPreviewTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_retention");
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void thePreviewIsThePolicysVerdictAndChangesNothing() {
        assertThat(bed.get("/api/backup/history", ADMIN_KEY).status()).isEqualTo(200); // the catalog exists
        Instant base = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(15));
        List<String> inserts = new ArrayList<>();
        for (int i = 400; i >= 1; i--) {
            Instant t = base.minus(Duration.ofDays(i));
            boolean failed = i == 2;
            inserts.add("INSERT INTO backup_history (tenant_id, backup_type, status, started_at, completed_at, file_path,"
                    + " created_by, snapshot_at, source_id) VALUES (1, 'full', '" + (failed ? "failed" : "success")
                    + "', '" + sql(t) + "', '" + sql(t.plusSeconds(60)) + "', 'x/dump.sql.gz.gpg', 'scheduler', '"
                    + sql(t) + "', 'server-1')");
        }
        bed.db.execRoot(bed.database, inserts.toArray(String[]::new));
        List<String> ids = bed.db.names(bed.database, "SELECT id FROM backup_history ORDER BY started_at");
        assertThat(ids).hasSize(400);
        List<RetentionEntry> written = new ArrayList<>();
        for (int i = 400; i >= 1; i--) {
            written.add(new RetentionEntry(Long.parseLong(ids.get(400 - i)), Kind.FULL,
                    i == 2 ? Status.FAILED : Status.SUCCESS, base.minus(Duration.ofDays(i)), null, null, "server-1", false));
        }
        long newest = Long.parseLong(ids.get(399));

        ServiceTestBed.Response r = bed.get("/api/backup/retention/preview", ADMIN_KEY);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("dryRun").asBoolean()).isTrue();
        Instant now = Instant.parse(body.get("now").asText());
        Map<Long, RetentionDecision> expected = new RetentionPolicy(RetentionSettings.defaults()).decide(written, now);
        assertThat(body.get("backups")).hasSize(400);
        for (JsonNode b : body.get("backups")) {
            RetentionDecision d = expected.get(b.get("id").asLong());
            assertThat(b.get("verdict").asText()).as("#%s", b.get("id")).isEqualTo(d.verdict().name().toLowerCase());
            List<String> reasons = new ArrayList<>();
            b.get("reasons").forEach(x -> reasons.add(x.asText()));
            assertThat(reasons).as("#%s", b.get("id")).isEqualTo(d.reasons());
        }
        long deletes = expected.values().stream().filter(RetentionDecision::delete).count();
        assertThat(body.get("summary").get("delete").asLong()).isEqualTo(deletes).isGreaterThan(300);
        // spot checks: the newest, yesterday's failure, one from 200 days ago (not a month's newest)
        assertThat(expected.get(newest).reasons()).contains("newest successful full backup");
        assertThat(expected.get(Long.parseLong(ids.get(398))).reasons().get(0))
                .startsWith("failed: its leftovers are cleaned after");
        int daysAgo = LocalDate.ofInstant(base.minus(Duration.ofDays(200)), RetentionSettings.SAO_PAULO).getDayOfMonth()
                >= 28 ? 190 : 200;
        assertThat(expected.get(Long.parseLong(ids.get(400 - daysAgo))).reasons().get(0))
                .startsWith("outside every retention window");

        // a dry run: nothing expired
        assertThat(bed.db.names(bed.database, "SELECT COUNT(*) FROM backup_history WHERE status = 'expired'"))
                .containsExactly("0");
        assertThat(bed.get("/api/backup/retention/preview", null).status()).isEqualTo(401);
    }

    private static String sql(Instant t) {
        return t.toString().replace('T', ' ').replace("Z", "");
    }
}
