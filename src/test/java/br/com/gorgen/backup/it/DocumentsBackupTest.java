package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.support.Sha256;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import static br.com.gorgen.backup.testbed.ServiceTestBed.DOCUMENTS;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Documents backups against the real services (a third S3Proxy bucket as the application's): a full backup stores
 * every distinct content once in both buckets, encrypted, and a snapshot of every object; an incremental after
 * changes, additions and deletions reads and stores only what changed, and its snapshot lists the bucket as it is.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class DocumentsBackupTest {
    static ServiceTestBed bed;
    static final String PREFIX = "gorgen/";
    static final Map<String, byte[]> source = new LinkedHashMap<>();
    static final Random random = new Random(42);

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_documents_src");
        bed.with("documents.s3.bucket", DOCUMENTS).with("documents.s3.prefix", PREFIX)
                .with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE)
                .with("backup.documents.exclude", "cache/**,**/*.tmp").with("backup.documents.parallelism", "6")
                .applyAsSystemProperties();
        byte[] shared = bytes(3000);
        for (int i = 0; i < 300; i++) {
            put("pacientes/" + (i % 37) + "/laudo ção nº " + i + ".pdf", bytes(500 + random.nextInt(40_000)));
        }
        for (int i = 0; i < 10; i++) {
            put("modelos/cópia " + i + ".docx", shared); // one content, ten keys
        }
        for (int i = 0; i < 3; i++) {
            put("exames/imagem grande " + i + ".dcm", bytes(6 * 1024 * 1024 + i)); // multipart
        }
        put("cache/thumb 1.png", bytes(100));
        put("uploads/em andamento.tmp", bytes(100));
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static void put(String key, byte[] content) {
        bed.s3.client().putObject(PutObjectRequest.builder().bucket(DOCUMENTS).key(PREFIX + key).build(),
                RequestBody.fromBytes(content));
        source.put(key, content);
    }

    static void delete(String key) {
        bed.s3.client().deleteObject(DeleteObjectRequest.builder().bucket(DOCUMENTS).key(PREFIX + key).build());
        source.remove(key);
    }

    static JsonNode run(String type) {
        return bed.runBackup(type);
    }

    static JsonNode manifest(JsonNode backup) throws Exception {
        return Json.mapper().readTree(bed.s3.readString(PRIMARY, backup.get("manifestPath").asText()));
    }

    /** The snapshot, decrypted with the standard tools: key -> sha256. */
    static Map<String, String> snapshot(JsonNode backup) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        snapshotObjects(backup).forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    /** The snapshot: key -> {sha256, stored object}. Small contents are in packs, large ones named by their SHA-256. */
    static Map<String, String[]> snapshotObjects(JsonNode backup) throws Exception {
        Path work = Files.createTempDirectory("doc-snapshot-");
        bed.s3.download(SECONDARY, backup.get("filePath").asText(), work.resolve("s.gpg"));
        TestKeys.shared().decryptGunzip(work.resolve("s.gpg"), work.resolve("s.jsonl"));
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(work.resolve("s.jsonl"))) {
            JsonNode n = Json.mapper().readTree(line);
            String sha = n.get("sha256").asText();
            String object = n.get("object").asText();
            out.put(n.get("key").asText(), new String[] {sha, object});
            if (n.get("size").asLong() < 1 << 20) {
                assertThat(object).startsWith("gorgen-backup/tenant-1/documents/packs/").endsWith(".tar.gz.gpg");
            } else {
                assertThat(object).endsWith("/documents/content/" + sha.substring(0, 2) + "/" + sha + ".gz.gpg");
            }
        }
        return out;
    }

    static Map<String, String> expected() {
        Map<String, String> out = new LinkedHashMap<>();
        source.forEach((k, v) -> {
            if (!k.startsWith("cache/") && !k.endsWith(".tmp")) {
                out.put(k, Sha256.of(v));
            }
        });
        return out;
    }

    /** gorgen_backup_store_verifications_total{method="etag"} from the metrics page. */
    static double etagVerifications() {
        return bed.metric("gorgen_backup_store_verifications_total", "method=\"etag\"");
    }

    /** Stored contents and packs. */
    static List<String> storedObjects(String bucket) {
        // (S3Proxy's filesystem store also lists its folders, as keys ending in "/")
        List<String> out = new ArrayList<>();
        for (String folder : List.of("content/", "packs/")) {
            bed.s3.keys(bucket, "gorgen-backup/tenant-1/documents/" + folder).stream().filter(k -> k.endsWith(".gz.gpg"))
                    .forEach(out::add);
        }
        return out;
    }

    @Test
    void aFullThenAnIncrementalStoreEachContentOnceAndSnapshotTheWholeBucket() throws Exception {
        JsonNode full = run("documents-full");
        JsonNode m = manifest(full);
        Map<String, String> want = expected();
        Set<String> distinct = new HashSet<>(want.values());
        assertThat(m.at("/counts/objects").asInt()).isEqualTo(want.size());
        assertThat(m.at("/counts/excluded").asInt()).isEqualTo(2);
        assertThat(m.at("/counts/newContents").asInt()).isEqualTo(distinct.size());
        assertThat(m.toString()).as("no names in the manifest").doesNotContain("laudo").doesNotContain("pacientes/");
        assertThat(snapshot(full)).isEqualTo(new java.util.TreeMap<>(want));
        // the 3 large contents as their own objects, the small ones in a few packs (one per parallel reader at most)
        int packs = m.at("/counts/newPacks").asInt();
        assertThat(packs).isBetween(1, 6);
        assertThat(storedObjects(PRIMARY)).hasSize(3 + packs);
        assertThat(storedObjects(SECONDARY)).hasSize(3 + packs);
        assertThat(etagVerifications()).as("every stored object, multipart ones included, verified by the server's ETag "
                + "in both buckets, without reading it back").isEqualTo(2.0 * (3 + packs));

        // a stored content is the document, with gpg --decrypt | gunzip; a pack gives its contents with | tar -x
        String big = "exames/imagem grande 1.dcm";
        Path work = Files.createTempDirectory("doc-content-");
        bed.s3.download(SECONDARY, "gorgen-backup/tenant-1/documents/content/" + want.get(big).substring(0, 2) + "/"
                + want.get(big) + ".gz.gpg", work.resolve("c.gpg"));
        TestKeys.shared().decryptGunzip(work.resolve("c.gpg"), work.resolve("c"));
        assertThat(Files.readAllBytes(work.resolve("c"))).isEqualTo(source.get(big));
        String small = "pacientes/3/laudo ção nº 3.pdf";
        bed.s3.download(SECONDARY, snapshotObjects(full).get(small)[1], work.resolve("p.gpg"));
        TestKeys.shared().decryptGunzip(work.resolve("p.gpg"), work.resolve("p.tar"));
        String sha = want.get(small);
        assertThat(br.com.gorgen.backup.testbed.Cli.bash("tar -xf " + work.resolve("p.tar") + " "
                + sha.substring(0, 2) + "/" + sha + " -O | sha256sum", Map.of(), 60).stdout()).startsWith(sha);

        // change 3, add 4 (one of them a copy of existing content), delete 5
        List<String> keys = new ArrayList<>(source.keySet());
        for (int i = 0; i < 3; i++) {
            put(keys.get(i * 10), bytes(2000 + i));
        }
        for (int i = 0; i < 3; i++) {
            put("novos/documento novo " + i + ".pdf", bytes(1500 + i));
        }
        put("novos/cópia de um laudo.pdf", source.get(keys.get(100)));
        for (int i = 0; i < 5; i++) {
            delete(keys.get(150 + i));
        }
        JsonNode incremental = run("documents-incremental");
        JsonNode mi = manifest(incremental);
        assertThat(mi.at("/counts/read").asInt()).as("only what changed is read").isEqualTo(7);
        assertThat(mi.at("/counts/deletedSincePrevious").asInt()).isEqualTo(5);
        assertThat(mi.at("/counts/newContents").asInt()).as("the copy's content was stored already").isEqualTo(6);
        assertThat(mi.at("/counts/reusedContents").asInt()).isEqualTo(1);
        assertThat(snapshot(incremental)).isEqualTo(new java.util.TreeMap<>(expected()));
        // the catalog's state, updated by its differences, is the new snapshot: a next incremental reads nothing
        Map<String, String> state = new java.util.TreeMap<>();
        for (String row : bed.db.names(bed.database, "SELECT CONCAT(doc_key, '\t', sha256) FROM documents_state")) {
            state.put(row.substring(0, row.indexOf('\t')), row.substring(row.indexOf('\t') + 1));
        }
        assertThat(state).isEqualTo(new java.util.TreeMap<>(expected()));
        JsonNode unchanged = run("documents-incremental");
        assertThat(manifest(unchanged).at("/counts/read").asInt()).isZero();
        assertThat(manifest(unchanged).at("/counts/objects").asInt()).isEqualTo(expected().size());
        int newPacks = mi.at("/counts/newPacks").asInt();
        assertThat(newPacks).as("the 6 new small contents, in packs").isBetween(1, 6);
        assertThat(storedObjects(PRIMARY)).hasSize(3 + packs + newPacks);
        assertThat(storedObjects(SECONDARY)).hasSize(3 + packs + newPacks);
        // the older snapshot still lists the bucket as it was
        assertThat(snapshot(full)).isEqualTo(new java.util.TreeMap<>(want));

        // restores: the older snapshot gives back the older bucket (deleted files back, new ones absent), with a
        // corrupt primary copy of one content taken from the secondary; the newer one gives the newer bucket
        Path stored = bed.s3.objectFile(PRIMARY, snapshotObjects(full).get(keys.get(20))[1]);
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(stored, bytes);
        JsonNode older = restore(full.get("id").asLong(), "{\"targetPrefix\":\"restored/older/\"}");
        assertThat(older.at("/validation/rowCounts/documents").asInt()).isEqualTo(want.size());
        assertThat(listed("restored/older/")).isEqualTo(new java.util.TreeMap<>(want));
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream().anyMatch(s -> s.contains("CRÍTICO")));
        JsonNode newer = restore(incremental.get("id").asLong(), "{\"targetPrefix\":\"restored/newer/\"}");
        assertThat(listed("restored/newer/")).isEqualTo(new java.util.TreeMap<>(expected()));
        assertThat(newer.get("database").asText()).isEqualTo(DOCUMENTS + "/restored/newer/");

        // one document, by key, into the default isolated prefix
        String one = keys.get(151); // deleted after the full backup
        JsonNode single = restore(full.get("id").asLong(), "{\"key\":\"" + one + "\"}");
        String prefix = single.get("database").asText().substring(DOCUMENTS.length() + 1);
        assertThat(prefix).startsWith("restore-" + full.get("id").asLong() + "-");
        assertThat(listed(prefix)).containsOnlyKeys(one);

        // bad input
        assertThat(bed.postJson("/api/backup/restore/" + full.get("id").asLong(), ServiceTestBed.MASTER_KEY,
                "{\"targetPrefix\":\"../x\"}").status()).isEqualTo(400);
        assertThat(bed.postJson("/api/backup/restore/" + full.get("id").asLong(), ServiceTestBed.MASTER_KEY,
                "{\"target\":\"production\"}").status()).isEqualTo(400);
        assertThat(bed.postJson("/api/backup/restore/" + full.get("id").asLong(), ServiceTestBed.MASTER_KEY,
                "{\"deleteNotInSnapshot\":true}").status()).isEqualTo(400);
        // an isolated restore never writes into the live documents (an empty prefix is the whole live bucket) nor,
        // whatever the target, into a backup bucket
        for (String bad : new String[] {"{\"targetPrefix\":\"\"}", "{\"targetBucket\":\"" + ServiceTestBed.PRIMARY + "\"}",
                "{\"targetBucket\":\"" + ServiceTestBed.SECONDARY + "\",\"targetPrefix\":\"x/\"}",
                "{\"target\":\"production\",\"confirm\":\"" + full.get("id").asLong() + "\",\"deleteNotInSnapshot\":true,"
                        + "\"targetBucket\":\"" + ServiceTestBed.SECONDARY + "\"}", "{\"deleteNotInSnapshot\":\"yes\"}"}) {
            ServiceTestBed.Response r = bed.postJson("/api/backup/restore/" + full.get("id").asLong(),
                    ServiceTestBed.MASTER_KEY, bad);
            assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().has("field")).as(r.body()).isTrue();
        }

        // over production, confirmed: without deleteNotInSnapshot newer documents survive; with it the application's
        // prefix is exactly the older snapshot again, excluded keys (cache, temporary uploads) untouched
        long fullId = full.get("id").asLong();
        restore(fullId, "{\"target\":\"production\",\"confirm\":\"" + fullId + "\"}");
        Map<String, String> merged = new java.util.TreeMap<>(expected());
        merged.putAll(want);
        assertThat(withoutExcluded(listed(PREFIX))).isEqualTo(merged);
        JsonNode exact = restore(fullId, "{\"target\":\"production\",\"confirm\":\"" + fullId
                + "\",\"deleteNotInSnapshot\":true}");
        assertThat(exact.get("target").asText()).isEqualTo("documents-production");
        Map<String, String> after = listed(PREFIX);
        assertThat(withoutExcluded(after)).isEqualTo(new java.util.TreeMap<>(want));
        assertThat(after).containsKeys("cache/thumb 1.png", "uploads/em andamento.tmp");
    }

    static Map<String, String> withoutExcluded(Map<String, String> keys) {
        Map<String, String> out = new java.util.TreeMap<>(keys);
        out.keySet().removeIf(k -> k.startsWith("cache/") || k.endsWith(".tmp") || k.startsWith("restore"));
        return out;
    }

    static JsonNode restore(long backupId, String body) {
        return bed.restore(backupId, body);
    }

    /** What a prefix of the documents bucket holds: key under the prefix -> SHA-256 of the content. */
    static Map<String, String> listed(String prefix) {
        return bed.documentsUnder(prefix);
    }
}
