package br.com.gorgen.backup.it;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.DOCUMENTS;
import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.support.Sha256;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The catalog survives the loss of its database: after a full backup, a shipped binary log, an incremental and a
 * documents backup, the history (and the documents catalog) is wiped; {@code POST /api/backup/catalog/rebuild} brings
 * every backup back from the manifests, field for field (one manifest only in the secondary bucket, a stray
 * manifest-named object skipped with its reason), a second rebuild changes nothing, and restores from the rebuilt
 * history give back exactly the source rows and documents. Then the history is wiped again and the service is
 * started anew (the next test's context): it rebuilds the empty history by itself; and with the primary bucket gone
 * altogether, everything comes back from the secondary.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatalogRebuildTest {
    static final String PREFIX = "app/";
    static final String STRAY = "gorgen-backup/tenant-1/notes/manifest.json";
    static ServiceTestBed bed;
    static final Map<String, String> documents = new TreeMap<>();
    /** The history before it was lost: id -> the fields a rebuild must give back. */
    static final Map<Long, Map<String, String>> before = new TreeMap<>();
    static String documentsManifest;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_rebuild_src");
        bed.with("documents.s3.bucket", DOCUMENTS).with("documents.s3.prefix", PREFIX)
                .with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).applyAsSystemProperties();
        Random random = new Random(7);
        for (int i = 0; i < 30; i++) {
            byte[] content = new byte[200 + random.nextInt(i == 0 ? 3_000_000 : 20_000)];
            random.nextBytes(content);
            String key = "pacientes/" + (i % 4) + "/exame nº " + i + ".pdf";
            bed.s3.client().putObject(PutObjectRequest.builder().bucket(DOCUMENTS).key(PREFIX + key).build(),
                    RequestBody.fromBytes(content));
            documents.put(key, Sha256.of(content));
        }
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    @Order(1)
    void theApiRebuildsEveryBackupFromTheManifestsAndRestoresWorkFromIt() {
        String src = bed.database;
        long full = bed.runFullBackup();
        bed.db.execRoot(src, "INSERT INTO pacientes (tenant_id, nome) VALUES (1, 'Depois do completo')");
        bed.shipBinlogs();
        bed.db.execRoot(src, "UPDATE pacientes SET observacoes = 'antes do incremental' WHERE id % 3 = 0");
        long incremental = bed.runBackup("incremental").get("id").asLong();
        List<String> patients = patients(src);
        long docs = bed.runBackup("documents-full").get("id").asLong();
        for (JsonNode b : history()) {
            before.put(b.get("id").asLong(), fields(b));
        }
        assertThat(before.values().stream().map(m -> m.get("type")))
                .contains("full", "transactional", "incremental", "documents-full");

        // the primary lost one manifest (the secondary has it); a stray object is named like a manifest
        documentsManifest = bed.backup(docs).get("manifestPath").asText();
        bed.s3.client().deleteObject(d -> d.bucket(PRIMARY).key(documentsManifest));
        bed.s3.client().putObject(PutObjectRequest.builder().bucket(PRIMARY).key(STRAY).build(),
                RequestBody.fromString("{\"kind\":\"notes\"}"));

        loseTheCatalog();
        assertThat(history()).isEmpty();

        assertThat(bed.postJson("/api/backup/catalog/rebuild", null, "{}").status()).isEqualTo(401);
        assertThat(bed.postJson("/api/backup/catalog/rebuild", ADMIN_KEY, "{}").status()).isEqualTo(403);
        ServiceTestBed.Response rebuilt = bed.postJson("/api/backup/catalog/rebuild", MASTER_KEY, "{}");
        assertThat(rebuilt.status()).as(rebuilt.body()).isEqualTo(200);
        JsonNode report = rebuilt.json();
        assertThat(report.get("restored").asInt()).as(report.toString()).isEqualTo(before.size());
        assertThat(report.get("skipped")).hasSize(1);
        assertThat(report.at("/skipped/0/key").asText()).isEqualTo(STRAY);
        assertThat(report.at("/skipped/0/reason").asText()).contains("not a gorgen-backup manifest");
        assertSameHistory();
        assertThat(bed.db.names(src, "SELECT action FROM backup_audit_log ORDER BY id DESC LIMIT 1"))
                .containsExactly("catalog.rebuild");

        // again: nothing to add, nothing changed
        JsonNode again = bed.postJson("/api/backup/catalog/rebuild", MASTER_KEY, "{}").json();
        assertThat(again.get("restored").asInt()).isZero();
        assertThat(again.get("alreadyPresent").asInt()).isEqualTo(before.size());
        assertSameHistory();

        // restores from the rebuilt history: the incremental chain (full + incremental) and the documents snapshot
        JsonNode db = bed.restore(incremental, "{}");
        assertThat(patients(db.get("database").asText())).isEqualTo(patients);
        bed.restore(docs, "{\"targetPrefix\":\"after-rebuild/\"}");
        assertThat(bed.documentsUnder("after-rebuild/")).isEqualTo(documents);
        assertThat(full).isPositive();

        loseTheCatalog(); // for the next test: a new start of the service on an empty history
    }

    @Test
    @Order(2)
    void aServiceStartedOnAnEmptyHistoryRebuildsItFromTheBuckets() throws Exception {
        assertThat(before).as("runs after the first test").isNotEmpty();
        assertSameHistory();
        // the reconciliation then tells what the rebuild could only take from the secondary bucket
        JsonNode problems = bed.postJson("/api/backup/reconcile", ADMIN_KEY, "{}").json().get("problems");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).get("bucket").asText()).isEqualTo(PRIMARY);
        assertThat(problems.get(0).get("key").asText()).isEqualTo(documentsManifest);
        assertThat(bed.s3.keys(SECONDARY, documentsManifest)).containsExactly(documentsManifest);

        // the primary bucket gone altogether (its store's folder removed): everything comes back from the secondary
        try (var files = java.nio.file.Files.walk(bed.s3.baseDir().resolve(PRIMARY))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(bed.s3.baseDir().resolve(PRIMARY)).doesNotExist();
        loseTheCatalog();
        JsonNode fromSecondary = bed.postJson("/api/backup/catalog/rebuild", MASTER_KEY, "{}").json();
        assertThat(fromSecondary.get("restored").asInt()).as(fromSecondary.toString()).isEqualTo(before.size());
        assertThat(fromSecondary.at("/buckets/" + PRIMARY).asText()).startsWith("could not be listed");
        assertSameHistory();
    }

    static void loseTheCatalog() {
        bed.db.execRoot(bed.database, "DELETE FROM backup_history", "DELETE FROM restore_history",
                "DELETE FROM documents_state", "DELETE FROM documents_content");
    }

    static void assertSameHistory() {
        Map<Long, Map<String, String>> now = new TreeMap<>();
        for (JsonNode b : history()) {
            now.put(b.get("id").asLong(), fields(b));
        }
        assertThat(now).isEqualTo(before);
    }

    /** What a rebuilt row must have as the live run recorded it (completedAt: the manifest's, a moment earlier). */
    static Map<String, String> fields(JsonNode b) {
        Map<String, String> m = new TreeMap<>();
        for (String f : List.of("type", "status", "startedAt", "filePath", "fileSizeBytes", "checksumSha256",
                "manifestPath", "binlogFile", "binlogPosition", "sourceId", "snapshotAt", "firstEventAt", "lastEventAt",
                "startBinlogFile", "startBinlogPosition", "parentId", "createdBy")) {
            m.put(f, b.path(f).asText(""));
        }
        m.put("completed", String.valueOf(!b.path("completedAt").asText("").isEmpty()));
        return m;
    }

    static List<JsonNode> history() {
        List<JsonNode> out = new ArrayList<>();
        bed.get("/api/backup/history?limit=1000", ADMIN_KEY).json().get("backups").forEach(out::add);
        return out;
    }

    static List<String> patients(String database) {
        return bed.db.names(database, "SELECT CONCAT_WS('|', id, nome, IFNULL(observacoes, '-')) FROM pacientes ORDER BY id");
    }

}
