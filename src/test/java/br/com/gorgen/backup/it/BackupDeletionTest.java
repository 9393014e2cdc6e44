package br.com.gorgen.backup.it;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DELETE /api/backup/{id} against the real services: the newest full backup is protected (409 with the rule), bad
 * requests are 4xx with a reason and change nothing, and a deletable backup's objects leave both buckets while the
 * other backup stays whole, its row becomes expired and the audit trail says who, why and what was removed.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class BackupDeletionTest {
    static ServiceTestBed bed;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_deletion");
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    private static ServiceTestBed.Response delete(long id, String apiKey, String json) {
        return bed.send(HttpRequest.newBuilder(bed.uri("/api/backup/" + id)).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(json)), apiKey);
    }

    @Test
    void onlyAnUnprotectedBackupIsDeletedFromBothBucketsAndAudited() {
        long older = bed.runFullBackup();
        long newest = bed.runFullBackup();
        String folder = BackupKeyLayout.folderOf(bed.backup(older).get("manifestPath").asText());
        String newestFolder = BackupKeyLayout.folderOf(bed.backup(newest).get("manifestPath").asText());
        int before = bed.s3.keys(ServiceTestBed.PRIMARY, folder).size();
        assertThat(before).isGreaterThanOrEqualTo(2);

        ServiceTestBed.Response protectedOne = delete(newest, MASTER_KEY,
                "{\"confirm\":\"" + newest + "\",\"reason\":\"teste\"}");
        assertThat(protectedOne.status()).as(protectedOne.body()).isEqualTo(409);
        assertThat(protectedOne.json().get("protectedBy").toString()).contains("newest successful full backup");

        assertThat(delete(older, ADMIN_KEY, "{\"confirm\":\"" + older + "\",\"reason\":\"x\"}").status())
                .isEqualTo(403);
        ServiceTestBed.Response unconfirmed = delete(older, MASTER_KEY, "{\"confirm\":\"" + newest + "\",\"reason\":\"x\"}");
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(unconfirmed.json().get("reason").asText()).contains("confirm must repeat its id");
        assertThat(delete(older, MASTER_KEY, "{\"confirm\":\"" + older + "\"}").json().get("reason").asText())
                .contains("reason");
        assertThat(delete(older, MASTER_KEY, "{\"confirm\":").status()).isEqualTo(400);
        assertThat(delete(999_999, MASTER_KEY, "{\"confirm\":\"999999\",\"reason\":\"x\"}").status()).isEqualTo(404);
        assertThat(bed.s3.keys(ServiceTestBed.PRIMARY, folder)).hasSize(before);
        assertThat(bed.backup(older).get("status").asText()).isEqualTo("success");

        ServiceTestBed.Response deleted = delete(older, MASTER_KEY,
                "{\"confirm\":\"" + older + "\",\"reason\":\"cópia de teste, pedido do Dr. André\"}");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("folder").asText()).isEqualTo(folder);
        assertThat(deleted.json().get("objectsRemoved").get(ServiceTestBed.PRIMARY).asInt()).isEqualTo(before);
        assertThat(deleted.json().get("objectsRemoved").get(ServiceTestBed.SECONDARY).asInt()).isEqualTo(before);
        assertThat(bed.s3.keys(ServiceTestBed.PRIMARY, folder)).isEmpty();
        assertThat(bed.s3.keys(ServiceTestBed.SECONDARY, folder)).isEmpty();
        assertThat(bed.s3.keys(ServiceTestBed.PRIMARY, newestFolder)).isNotEmpty();
        assertThat(bed.s3.keys(ServiceTestBed.SECONDARY, newestFolder)).isNotEmpty();
        JsonNode row = bed.backup(older);
        assertThat(row.get("status").asText()).isEqualTo("expired");
        assertThat(row.get("notes").asText()).contains("dr-andre").contains("pedido do Dr. André");

        JsonNode audit = bed.get("/api/backup/audit?limit=10", MASTER_KEY).json();
        assertThat(audit.toString()).contains("backup.delete").contains("backup " + older).contains("dr-andre")
                .contains("pedido do Dr.").contains(folder);
        assertThat(delete(older, MASTER_KEY, "{\"confirm\":\"" + older + "\",\"reason\":\"again\"}").status())
                .isEqualTo(409);
    }
}
