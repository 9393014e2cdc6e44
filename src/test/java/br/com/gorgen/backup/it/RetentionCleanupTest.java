package br.com.gorgen.backup.it;

import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.retention.RetentionDecision;
import br.com.gorgen.backup.retention.RetentionEntry;
import br.com.gorgen.backup.retention.RetentionEntry.Kind;
import br.com.gorgen.backup.retention.RetentionEntry.Status;
import br.com.gorgen.backup.retention.RetentionPolicy;
import br.com.gorgen.backup.retention.RetentionSettings;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The clean-up against the real services over a catalog of about 400 backups across 8 simulated years (weekly-ish
 * fulls, a chain of daily incrementals, failures), their objects in both buckets: exactly the backups the policy
 * deletes leave both buckets and become expired, every other object stays, a row whose keys are not a folder of its
 * own is left alone and reported, and a second run removes nothing.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class RetentionCleanupTest {
    static ServiceTestBed bed;
    private static final BackupKeyLayout LAYOUT = new BackupKeyLayout("gorgen-backup", 1);

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_cleanup");
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    record Row(long id, String type, String status, Instant at, Long parent, String artifact, String manifest) {
    }

    @Test
    void exactlyWhatThePolicyDeletesLeavesBothBuckets() {
        assertThat(bed.get("/api/backup/history", ServiceTestBed.ADMIN_KEY).status()).isEqualTo(200);
        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
        List<Row> rows = new ArrayList<>();
        long id = 1000;
        Long parent = null;
        for (int day = 8 * 365; day >= 0; day--) { // a full every 8 days; daily incrementals in the last 40, chained
            Instant t = end.minus(Duration.ofDays(day));
            boolean full = day % 8 == 0;
            if (!full && day >= 40) {
                continue;
            }
            String status = day % 400 == 0 && day > 0 ? "failed" : "success";
            String type = full ? "full" : "incremental";
            rows.add(new Row(id, type, status, t, full ? null : parent, LAYOUT.databaseArtifact(type, t, id),
                    LAYOUT.manifest(type, t, id)));
            if (status.equals("success")) {
                parent = id;
            }
            id++;
        }
        Instant old = end.minus(Duration.ofDays(3000));
        Row foreign = new Row(id, "full", "success", old, null, "outra-instalacao/tenant-1/dump.sql.gz.gpg",
                "outra-instalacao/tenant-1/manifest.json");
        rows.add(foreign);
        assertThat(rows.size()).isBetween(380, 420);

        List<String> inserts = new ArrayList<>();
        for (Row r : rows) {
            inserts.add("INSERT INTO backup_history (id, tenant_id, backup_type, status, started_at, completed_at,"
                    + " file_path, manifest_path, file_size_bytes, created_by, snapshot_at, source_id, parent_id) VALUES ("
                    + r.id() + ", 1, '" + r.type() + "', '" + r.status() + "', '" + sql(r.at()) + "', '"
                    + sql(r.at().plusSeconds(60)) + "', '" + r.artifact() + "', '" + r.manifest() + "', 4, 'scheduler', '"
                    + sql(r.at()) + "', 'server-1', " + r.parent() + ")");
            for (String bucket : List.of(ServiceTestBed.PRIMARY, ServiceTestBed.SECONDARY)) {
                for (String key : List.of(r.artifact(), r.manifest())) {
                    bed.s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("data"));
                }
            }
        }
        bed.db.execRoot(bed.database, inserts.toArray(String[]::new));

        ServiceTestBed.Response run = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}");
        assertThat(run.status()).as(run.body()).isEqualTo(200);
        Instant now = Instant.parse(run.json().get("now").asText());
        List<RetentionEntry> entries = rows.stream().map(r -> new RetentionEntry(r.id(), Kind.ofType(r.type()),
                Status.of(r.status()), r.at(), null, r.parent(), "server-1", false)).toList();
        Map<Long, RetentionDecision> expected = new RetentionPolicy(RetentionSettings.defaults()).decide(entries, now);

        Map<Long, String> statuses = new HashMap<>();
        for (String line : bed.db.names(bed.database, "SELECT CONCAT(id, ' ', status) FROM backup_history")) {
            statuses.put(Long.parseLong(line.split(" ")[0]), line.split(" ")[1]);
        }
        int deleted = 0;
        for (Row r : rows) {
            boolean gone = expected.get(r.id()).delete() && r != foreign;
            deleted += gone ? 1 : 0;
            for (String bucket : List.of(ServiceTestBed.PRIMARY, ServiceTestBed.SECONDARY)) {
                assertThat(bed.s3.keys(bucket, BackupKeyLayout.folderOf(r.manifest())))
                        .as("#%d %s in %s (%s)", r.id(), r.at(), bucket, expected.get(r.id()).reasons())
                        .hasSize(gone ? 0 : 2);
            }
            assertThat(statuses.get(r.id())).as("#%d", r.id()).isEqualTo(gone ? "expired" : r.status());
        }
        assertThat(deleted).isGreaterThan(200);
        assertThat(run.json().get("removed")).hasSize(deleted);
        JsonNode problems = run.json().get("problems");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).get("id").asLong()).isEqualTo(foreign.id());
        assertThat(expected.get(foreign.id()).delete()).isTrue();

        ServiceTestBed.Response again = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}");
        assertThat(again.json().get("removed")).isEmpty();
        assertThat(bed.get("/api/backup/audit?limit=5", MASTER_KEY).body()).contains("retention.run");
    }

    private static String sql(Instant t) {
        return t.toString().replace('T', ' ').replace("Z", "");
    }
}
