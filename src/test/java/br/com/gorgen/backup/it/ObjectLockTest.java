package br.com.gorgen.backup.it;

import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.RadosGateway;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/**
 * S3 Object Lock against a server that enforces it (Ceph's radosgw): the primary bucket has Object Lock, the
 * secondary versioning. Every stored object of a backup gets a GOVERNANCE retain-until date of its class (30 days for
 * a backup's own objects); a backup the policy would delete is refused by hand (409 object_locked) and left by the
 * clean-up with its lock date, nothing deleted in either bucket; a backup a closed calendar period keeps (the newest
 * full of 2025: yearly, 7 years) has its objects' dates extended to the end of that rule, once.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class ObjectLockTest {
    static final String LOCKED = "gorgen-locked";
    static final String VERSIONED = "gorgen-versioned-dr";
    static RadosGateway rgw;
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        rgw = RadosGateway.shared();
        rgw.createLockedBucket(LOCKED);
        rgw.createVersionedBucket(VERSIONED);
        bed = new ServiceTestBed("gorgen_objlock_src");
        bed.with("backup.s3.endpoint", rgw.endpoint()).with("backup.s3.access.key", RadosGateway.ACCESS_KEY)
                .with("backup.s3.secret.key", RadosGateway.SECRET_KEY).with("backup.s3.bucket", LOCKED)
                .with("backup.s3.secondary.endpoint", rgw.endpoint())
                .with("backup.s3.secondary.access.key", RadosGateway.ACCESS_KEY)
                .with("backup.s3.secondary.secret.key", RadosGateway.SECRET_KEY)
                .with("backup.s3.secondary.bucket", VERSIONED).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void lockedObjectsAreNeverDeletedBeforeTheirDateAndLongerRulesExtendIt() {
        Instant before = Instant.now();
        long older = bed.runFullBackup();
        long newer = bed.runFullBackup();
        JsonNode first = bed.backup(older);
        List<String> keys = List.of(first.get("filePath").asText(), first.get("manifestPath").asText());
        for (String key : keys) {
            ObjectLockRetention r = retention(key);
            assertThat(r.mode()).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
            assertThat(r.retainUntilDate()).isBetween(before.plus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(30)));
        }
        String folder = keys.get(0).substring(0, keys.get(0).lastIndexOf('/') + 1);
        List<String> lockedVersions = rgw.versions(LOCKED, folder);
        List<String> drVersions = rgw.versions(VERSIONED, folder);
        assertThat(lockedVersions).hasSize(2);
        assertThat(drVersions).hasSize(2);

        // the policy deletes the older one (same day, not the newest full), but its objects are locked
        ServiceTestBed.Response byHand = bed.send(java.net.http.HttpRequest.newBuilder(bed.uri("/api/backup/" + older))
                .header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString("{\"confirm\":\"" + older
                        + "\",\"reason\":\"teste de bloqueio\"}")), MASTER_KEY);
        assertThat(byHand.status()).as(byHand.body()).isEqualTo(409);
        assertThat(byHand.json().get("error").asText()).isEqualTo("object_locked");
        assertThat(Instant.parse(byHand.json().get("lockedUntil").asText())).isAfter(Instant.now().plus(Duration.ofDays(29)));
        JsonNode cleanup = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}").json();
        assertThat(cleanup.get("removed")).as(cleanup.toString()).isEmpty();
        assertThat(cleanup.at("/problems/0/id").asLong()).isEqualTo(older);
        assertThat(cleanup.at("/problems/0/lockedUntil").asText()).isNotEmpty();
        assertThat(rgw.versions(LOCKED, folder)).isEqualTo(lockedVersions);
        assertThat(rgw.versions(VERSIONED, folder)).as("nothing deleted in the other bucket either").isEqualTo(drVersions);
        assertThat(bed.backup(older).get("status").asText()).isEqualTo("success");
        assertThat(cleanup.at("/objectLock/backupsExtended").asInt()).isZero(); // today's periods are all open

        // the newer one is now the newest full of 2025 (a period that is over): yearly, kept through 2031
        bed.db.execRoot(bed.database, "UPDATE backup_history SET started_at = '2025-06-01 06:00:00', snapshot_at = '2025-06-01 06:00:01' WHERE id = " + newer);
        JsonNode extended = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}").json();
        assertThat(extended.at("/objectLock/backupsExtended").asInt()).as(extended.toString()).isEqualTo(1);
        assertThat(extended.at("/objectLock/objectsExtended").asInt()).isEqualTo(2); // artifact and manifest, primary
        JsonNode second = bed.backup(newer);
        for (String key : List.of(second.get("filePath").asText(), second.get("manifestPath").asText())) {
            assertThat(retention(key).retainUntilDate()).isEqualTo(Instant.parse("2032-01-01T03:00:00Z"));
        }
        JsonNode again = bed.postJson("/api/backup/retention/run", MASTER_KEY, "{}").json();
        assertThat(again.at("/objectLock/backupsExtended").asInt()).isZero();
    }

    static ObjectLockRetention retention(String key) {
        return rgw.client().getObjectRetention(b -> b.bucket(LOCKED).key(key)).retention();
    }
}
