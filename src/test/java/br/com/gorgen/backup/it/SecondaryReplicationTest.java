package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.storage.SecondaryReplica;
import br.com.gorgen.backup.support.Sha256;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import static br.com.gorgen.backup.testbed.ServiceTestBed.DOCUMENTS;
import static br.com.gorgen.backup.testbed.ServiceTestBed.PRIMARY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both backup buckets on one S3 service (the default setting, auto): the secondary's copies are made by the service
 * from the primary's verified objects (CopyObject; UploadPartCopy on the upload's part boundaries for a multipart
 * object), hold the same bytes, metadata and ETags, and restore the documents with the primary gone.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class SecondaryReplicationTest {
    static ServiceTestBed bed;
    static final Map<String, String> source = new TreeMap<>();

    @BeanInject
    SecondaryReplica replica;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_replication");
        bed.with("documents.s3.bucket", DOCUMENTS)
                .with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE)
                .applyAsSystemProperties();
        Random random = new Random(7);
        for (int i = 0; i < 40; i++) {
            put(random, "pacientes/" + (i % 5) + "/exame nº " + i + ".pdf", 1000 + random.nextInt(30_000));
        }
        put(random, "exames/tomografia série 1.dcm", 11 * 1024 * 1024 + 17); // three parts of 5 MiB
        put(random, "exames/raio-x.jpg", 2 * 1024 * 1024); // its own object, one PUT
    }

    static void put(Random random, String key, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        bed.s3.client().putObject(p -> p.bucket(DOCUMENTS).key(key), RequestBody.fromBytes(b));
        source.put(key, Sha256.of(b));
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void theSecondaryCopiesAreMadeByTheS3ServiceAndRestoreWithoutThePrimary() throws Exception {
        assertThat(replica.serverSide()).as("both buckets on one S3Proxy: auto copies server-side").isTrue();
        bed.runFullBackup();
        JsonNode documents = bed.runBackup("documents-full");

        List<String> keys = new ArrayList<>();
        for (String k : bed.s3.keys(PRIMARY, "gorgen-backup/")) {
            if (!k.endsWith("/")) { // S3Proxy's filesystem store lists its folders too
                keys.add(k);
            }
        }
        List<String> secondaryKeys = bed.s3.keys(SECONDARY, "gorgen-backup/").stream().filter(k -> !k.endsWith("/"))
                .toList();
        assertThat(secondaryKeys).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(keys).anyMatch(k -> k.contains("/full-")).anyMatch(k -> k.contains("/documents/content/"))
                .anyMatch(k -> k.contains("/documents/packs/"));
        int multipart = 0;
        for (String key : keys) {
            HeadObjectResponse p = bed.s3.client().headObject(h -> h.bucket(PRIMARY).key(key));
            HeadObjectResponse s = bed.s3.client().headObject(h -> h.bucket(SECONDARY).key(key));
            assertThat(bed.s3.sha256(SECONDARY, key)).as(key).isEqualTo(bed.s3.sha256(PRIMARY, key));
            // (Camel's multipart upload leaves out the user metadata the copy in parts sets)
            assertThat(s.metadata()).as(key).containsAllEntriesOf(p.metadata()).containsKey("sha256");
            assertThat(s.contentType()).as(key).isEqualTo(p.contentType());
            assertThat(s.eTag()).as(key).isEqualTo(p.eTag());
            if (p.eTag().contains("-")) {
                multipart++;
            }
        }
        assertThat(multipart).as("the 11 MiB document, copied part by part on the upload's boundaries").isEqualTo(1);
        assertThat(bed.metric("gorgen_backup_secondary_server_copies_total", "outcome=\"copied\""))
                .isEqualTo(keys.size());
        assertThat(bed.metric("gorgen_backup_secondary_server_copies_total", "outcome=\"refused\"")).isZero();

        // the secondary alone restores the documents: the primary's objects are gone
        try (var files = Files.walk(bed.s3.objectFile(PRIMARY, "gorgen-backup"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(Files.exists(bed.s3.objectFile(PRIMARY, "gorgen-backup"))).isFalse();
        JsonNode restored = bed.restore(documents.get("id").asLong(), "{\"targetPrefix\":\"restaurado/\"}");
        assertThat(restored.toString()).contains("\"verified\"");
        assertThat(bed.documentsUnder("restaurado/")).isEqualTo(source);
    }
}
