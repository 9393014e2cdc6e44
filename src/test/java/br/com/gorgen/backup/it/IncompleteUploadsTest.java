package br.com.gorgen.backup.it;

import java.util.List;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.RadosGateway;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multipart uploads a failed store left open are aborted by the clean-up, against Ceph's S3 gateway (S3Proxy reports
 * every open upload as started "now", so it cannot tell an old one): an upload under the service's prefix is aborted
 * in both buckets, another installation's is not.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class IncompleteUploadsTest {
    static final String PRIMARY = "gorgen-uploads-primary";
    static final String SECONDARY = "gorgen-uploads-dr";
    static RadosGateway rgw;
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        rgw = RadosGateway.shared();
        rgw.client().createBucket(b -> b.bucket(PRIMARY));
        rgw.client().createBucket(b -> b.bucket(SECONDARY));
        bed = new ServiceTestBed("gorgen_uploads_src");
        bed.with("backup.s3.endpoint", rgw.endpoint()).with("backup.s3.access.key", RadosGateway.ACCESS_KEY)
                .with("backup.s3.secret.key", RadosGateway.SECRET_KEY).with("backup.s3.bucket", PRIMARY)
                .with("backup.s3.secondary.endpoint", rgw.endpoint())
                .with("backup.s3.secondary.access.key", RadosGateway.ACCESS_KEY)
                .with("backup.s3.secondary.secret.key", RadosGateway.SECRET_KEY)
                .with("backup.s3.secondary.bucket", SECONDARY)
                // any open upload is old enough here (the gateway's clock is the machine's)
                .with("backup.s3.incomplete.upload.max.age.hours", "0").applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void uploadsLeftOpenUnderTheServicePrefixAreAbortedOthersAreNot() {
        var s3 = rgw.client();
        String mine = "gorgen-backup/tenant-1/database/2026/01/01/full-20260101T000000Z-999/x.sql.gz.gpg";
        String theirs = "other-installation/tenant-1/y.bin";
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            for (String key : List.of(mine, theirs)) {
                String upload = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
                s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(1),
                        RequestBody.fromBytes(new byte[5 * 1024 * 1024]));
            }
        }
        JsonNode report = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "").json();
        assertThat(report.at("/incompleteUploads/aborted").toString()).as(report.toString())
                .contains(PRIMARY + "/" + mine, SECONDARY + "/" + mine).doesNotContain(theirs);
        for (String bucket : List.of(PRIMARY, SECONDARY)) {
            assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).extracting(MultipartUpload::key)
                    .containsExactly(theirs);
        }
    }
}
