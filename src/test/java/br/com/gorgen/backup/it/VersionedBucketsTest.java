package br.com.gorgen.backup.it;

import static br.com.gorgen.backup.testbed.ServiceTestBed.DOCUMENTS;
import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.testbed.RadosGateway;
import br.com.gorgen.backup.testbed.S3Server;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Versioned backup buckets (Ceph's radosgw, both buckets, no Object Lock): deleting a backup removes every version and
 * delete marker of its objects, on purpose (a plain delete would only hide the data behind a marker), in both buckets;
 * so does the collection of a documents content no kept snapshot lists.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class VersionedBucketsTest {
    static final String PRIMARY = "gorgen-versioned-a";
    static final String SECONDARY = "gorgen-versioned-b";
    static RadosGateway rgw;
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        rgw = RadosGateway.shared();
        rgw.createVersionedBucket(PRIMARY);
        rgw.createVersionedBucket(SECONDARY);
        bed = new ServiceTestBed("gorgen_versioned_src");
        bed.with("backup.s3.endpoint", rgw.endpoint()).with("backup.s3.access.key", RadosGateway.ACCESS_KEY)
                .with("backup.s3.secret.key", RadosGateway.SECRET_KEY).with("backup.s3.bucket", PRIMARY)
                .with("backup.s3.secondary.endpoint", rgw.endpoint())
                .with("backup.s3.secondary.access.key", RadosGateway.ACCESS_KEY)
                .with("backup.s3.secondary.secret.key", RadosGateway.SECRET_KEY)
                .with("backup.s3.secondary.bucket", SECONDARY)
                // the application's documents stay on S3Proxy
                .with("documents.s3.bucket", DOCUMENTS).with("documents.s3.endpoint", bed.s3.endpoint())
                .with("documents.s3.access.key", S3Server.ACCESS_KEY).with("documents.s3.secret.key", S3Server.SECRET_KEY)
                .with("backup.retention.failed.grace.days", "0").applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void deletingRemovesEveryVersionInBothBuckets() throws Exception {
        long older = bed.runFullBackup();
        bed.runFullBackup();
        JsonNode first = bed.backup(older);
        String manifest = first.get("manifestPath").asText();
        String folder = manifest.substring(0, manifest.lastIndexOf('/') + 1);
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            // a second version of the manifest, as a rewrite would leave
            rgw.client().putObject(PutObjectRequest.builder().bucket(bucket).key(manifest).build(),
                    RequestBody.fromString(Json.write(Json.mapper().readTree(
                            rgw.client().getObjectAsBytes(b -> b.bucket(bucket).key(manifest)).asUtf8String()))));
            assertThat(rgw.versions(bucket, folder)).hasSize(3);
        }
        ServiceTestBed.Response deleted = bed.send(java.net.http.HttpRequest.newBuilder(bed.uri("/api/backup/" + older))
                .header("Content-Type", "application/json").method("DELETE", java.net.http.HttpRequest.BodyPublishers
                        .ofString("{\"confirm\":\"" + older + "\",\"reason\":\"versões\"}")), MASTER_KEY);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            assertThat(rgw.versions(bucket, folder)).as(bucket).isEmpty();
        }

        // a documents content only an expired snapshot listed: every version of it goes
        Random random = new Random(3);
        byte[] large = new byte[1_500_000];
        random.nextBytes(large);
        put("laudo.dcm", large);
        put("ficha.pdf", "ficha".getBytes());
        long docs = bed.runBackup("documents-full").get("id").asLong();
        List<String> firstObjects = storedObjects(docs);
        bed.s3.client().deleteObject(b -> b.bucket(DOCUMENTS).key("laudo.dcm"));
        long newer = bed.runBackup("documents-full").get("id").asLong();
        List<String> onlyFirst = firstObjects.stream().filter(k -> !storedObjects(newer).contains(k)).toList();
        assertThat(onlyFirst).hasSize(1);
        JsonNode cleanup = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}").json();
        assertThat(cleanup.at("/documentsContents/removedObjects").asInt()).as(cleanup.toString()).isEqualTo(1);
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            assertThat(rgw.versions(bucket, onlyFirst.get(0))).as(bucket).isEmpty();
            assertThat(rgw.versions(bucket, "gorgen-backup/tenant-1/documents/")).as(bucket).isNotEmpty();
        }
    }

    static void put(String key, byte[] content) {
        bed.s3.client().putObject(PutObjectRequest.builder().bucket(DOCUMENTS).key(key).build(), RequestBody.fromBytes(content));
    }

    static List<String> storedObjects(long backupId) {
        try {
            JsonNode m = Json.mapper().readTree(rgw.client().getObjectAsBytes(b -> b.bucket(PRIMARY)
                    .key(bed.backup(backupId).get("manifestPath").asText())).asUtf8String());
            List<String> out = new java.util.ArrayList<>();
            m.get("storedObjects").forEach(o -> out.add(o.asText()));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
