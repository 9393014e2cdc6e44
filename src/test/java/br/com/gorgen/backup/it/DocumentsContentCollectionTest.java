package br.com.gorgen.backup.it;

import static br.com.gorgen.backup.testbed.ServiceTestBed.DOCUMENTS;
import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.support.Sha256;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Documents contents leave with the last kept snapshot that lists them. A full documents backup of small documents
 * (packed) and two large ones (stored alone); the small ones and one large one are deleted, others added, and a
 * second full backup taken. The clean-up expires the first backup (the policy deletes it) and removes exactly the
 * stored objects only it listed (its pack, the deleted large document's content) from both buckets, forgetting them in
 * the content index; everything the second lists stays, and it restores exactly. The deleted documents coming back
 * with the same content are stored anew by the next incremental, which restores exactly too. A second clean-up
 * removes nothing; a kept backup whose manifest does not list its objects stops the collection.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class DocumentsContentCollectionTest {
    static final String PREFIX = "docs/";
    static ServiceTestBed bed;
    static final Map<String, byte[]> source = new TreeMap<>();
    static final Random random = new Random(11);

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_collect_src");
        bed.with("documents.s3.bucket", DOCUMENTS).with("documents.s3.prefix", PREFIX)
                .with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE)
                .with("backup.retention.failed.grace.days", "0").applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void contentsOnlyAnExpiredSnapshotListedAreRemovedAndComeBackWhenNeeded() throws Exception {
        for (int i = 0; i < 6; i++) {
            put("antigos/pequeno " + i + ".pdf", bytes(2_000 + i * 500));
        }
        byte[] large = bytes(1_500_000);
        put("grandes/laudo removido.dcm", large);
        put("grandes/laudo mantido.dcm", bytes(1_600_000));
        JsonNode first = bed.runBackup("documents-full");
        Set<String> firstObjects = storedObjects(first);

        Map<String, byte[]> gone = new LinkedHashMap<>();
        for (String k : List.copyOf(source.keySet())) {
            if (k.startsWith("antigos/") || k.equals("grandes/laudo removido.dcm")) {
                gone.put(k, source.get(k));
                delete(k);
            }
        }
        for (int i = 0; i < 4; i++) {
            put("novos/pequeno " + i + ".pdf", bytes(3_000 + i));
        }
        JsonNode second = bed.runBackup("documents-full");
        Set<String> secondObjects = storedObjects(second);
        Set<String> onlyFirst = new TreeSet<>(firstObjects);
        onlyFirst.removeAll(secondObjects);
        assertThat(onlyFirst).as("the first backup's pack and the removed large document's content")
                .anyMatch(k -> k.contains("/documents/packs/")).anyMatch(k -> k.contains("/documents/content/"));
        assertStoredInBoth(firstObjects);

        ServiceTestBed.Response cleanup = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}");
        assertThat(cleanup.status()).as(cleanup.body()).isEqualTo(200);
        JsonNode report = cleanup.json();
        assertThat(report.get("removed")).extracting(r -> r.get("id").asLong()).containsExactly(first.get("id").asLong());
        assertThat(report.at("/documentsContents/removedObjects").asInt()).as(report.toString()).isEqualTo(onlyFirst.size());
        assertThat(report.at("/documentsContents/referencedObjects").asInt()).isEqualTo(secondObjects.size());
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            for (String k : onlyFirst) {
                assertThat(bed.s3.keys(bucket, k)).as(bucket + "/" + k).isEmpty();
            }
        }
        assertStoredInBoth(secondObjects);
        assertThat(bed.db.names(bed.database, "SELECT COUNT(*) FROM documents_content WHERE object_key IN ('"
                + String.join("','", onlyFirst) + "')")).containsExactly("0");
        assertThat(restored(second.get("id").asLong(), "depois-da-limpeza/")).isEqualTo(expected());

        // the removed contents come back: stored anew, not named from the forgotten objects
        gone.forEach(DocumentsContentCollectionTest::put);
        JsonNode third = bed.runBackup("documents-incremental");
        Set<String> thirdObjects = storedObjects(third);
        assertStoredInBoth(thirdObjects);
        assertThat(thirdObjects).contains(onlyFirst.stream().filter(k -> k.contains("/content/")).findFirst().get());
        assertThat(restored(third.get("id").asLong(), "de-volta/")).isEqualTo(expected());

        JsonNode again = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}").json();
        assertThat(again.at("/documentsContents/removedObjects").asInt()).as(again.toString()).isZero();

        // a kept backup whose manifest does not list its objects (written before they were listed): nothing removed
        String manifestKey = third.get("manifestPath").asText();
        ObjectNode old = (ObjectNode) Json.mapper().readTree(bed.s3.readString(PRIMARY, manifestKey));
        old.remove("storedObjects");
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            bed.s3.client().putObject(PutObjectRequest.builder().bucket(bucket).key(manifestKey).build(),
                    RequestBody.fromString(Json.write(old)));
        }
        JsonNode refused = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}").json();
        assertThat(refused.at("/documentsContents/skipped").asText()).contains("#" + third.get("id").asLong())
                .contains("does not list its stored objects");
        assertStoredInBoth(thirdObjects);
    }

    static void assertStoredInBoth(Set<String> objects) {
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            Set<String> present = new TreeSet<>(bed.s3.keys(bucket, "gorgen-backup/tenant-1/documents/"));
            assertThat(present).as(bucket).containsAll(objects);
        }
    }

    static Set<String> storedObjects(JsonNode backup) throws Exception {
        JsonNode manifest = Json.mapper().readTree(bed.s3.readString(PRIMARY, backup.get("manifestPath").asText()));
        Set<String> out = new TreeSet<>();
        manifest.get("storedObjects").forEach(o -> out.add(o.asText()));
        assertThat(out).isNotEmpty();
        return out;
    }

    static Map<String, String> expected() {
        Map<String, String> out = new TreeMap<>();
        source.forEach((k, v) -> out.put(k, Sha256.of(v)));
        return out;
    }

    static Map<String, String> restored(long backupId, String prefix) {
        bed.restore(backupId, "{\"targetPrefix\":\"" + prefix + "\"}");
        return bed.documentsUnder(prefix);
    }

    static void put(String key, byte[] content) {
        bed.s3.client().putObject(PutObjectRequest.builder().bucket(DOCUMENTS).key(PREFIX + key).build(),
                RequestBody.fromBytes(content));
        source.put(key, content);
    }

    static void delete(String key) {
        bed.s3.client().deleteObject(d -> d.bucket(DOCUMENTS).key(PREFIX + key));
        source.remove(key);
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
