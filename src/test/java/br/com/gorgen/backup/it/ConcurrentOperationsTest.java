package br.com.gorgen.backup.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.S3Server;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import br.com.gorgen.backup.testbed.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.MASTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The concurrency rows of the fault matrix, against the real services: every kind of operation asked for at once
 * (backups of every type twice, a drill, clean-ups, a reconciliation) is either accepted or refused with a JSON
 * reason (never a 500), every backup accepted succeeds, and nothing is left running or pinned; and a restore running
 * while a clean-up wants its backup gone keeps it (the clean-up says why), the next clean-up after it removes it.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class ConcurrentOperationsTest {
    static ServiceTestBed bed;

    @BeanInject
    CamelContext context;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_concurrent");
        for (int i = 0; i < 10; i++) {
            int n = i;
            bed.s3.client().putObject(r -> r.bucket(ServiceTestBed.DOCUMENTS).key("fichas/" + n + ".txt"),
                    RequestBody.fromString("ficha " + n));
        }
        bed.with("backup.pgp.private.key.file", TestKeys.shared().secretKey().toString())
                .with("backup.pgp.passphrase", TestKeys.PASSPHRASE).with("documents.s3.bucket", ServiceTestBed.DOCUMENTS)
                .with("documents.s3.access.key", S3Server.ACCESS_KEY).with("documents.s3.secret.key", S3Server.SECRET_KEY)
                .applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void everyKindOfOperationAtOnceIsAcceptedOrRefusedClearlyAndWhatIsAcceptedSucceeds() throws Exception {
        bed.runFullBackup(); // something for the drill and the incremental
        List<String> calls = new ArrayList<>();
        for (String type : List.of("full", "incremental", "documents-full", "documents-incremental", "transactional")) {
            calls.add("trigger " + type);
            calls.add("trigger " + type);
        }
        calls.addAll(List.of("drill", "cleanup", "cleanup", "reconcile"));
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<ServiceTestBed.Response>> answers = new ArrayList<>();
        for (String call : calls) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                if (call.startsWith("trigger ")) {
                    return bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"" + call.substring(8) + "\"}");
                }
                return switch (call) {
                    case "drill" -> bed.postJson("/api/backup/drill", ADMIN_KEY, "{}");
                    case "cleanup" -> bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "");
                    default -> bed.post("/api/backup/reconcile", ADMIN_KEY, "application/json", "");
                };
            }, pool));
        }
        start.countDown();
        List<Long> accepted = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ServiceTestBed.Response r = answers.get(i).get(120, TimeUnit.SECONDS);
            assertThat(r.status()).as(calls.get(i) + " -> " + r.body()).isIn(200, 202, 409);
            assertThat(r.json().isObject()).isTrue();
            if (r.status() == 409) {
                assertThat(r.json().get("reason").asText()).as(calls.get(i)).isNotBlank();
            }
            if (r.status() == 202 && r.json().has("id")) {
                accepted.add(r.json().get("id").asLong());
            }
        }
        pool.shutdown();
        assertThat(accepted).as("at least one backup of each lane ran").hasSizeGreaterThanOrEqualTo(2);
        for (long id : accepted) {
            await().atMost(Duration.ofSeconds(120)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
            assertThat(bed.backup(id).get("status").asText()).as(bed.backup(id).toString()).isEqualTo("success");
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> bed.db.names(bed.database, "SELECT COUNT(*) FROM "
                + "restore_history WHERE status = 'running'").get(0).equals("0"));
        assertThat(bed.db.names(bed.database, "SELECT COUNT(*) FROM backup_history WHERE status IN ('running', "
                + "'expiring')")).containsExactly("0");
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.db.names(bed.database, "SELECT COUNT(*) FROM backup_pin")
                .get(0).equals("0"));
    }

    @Test
    void aRestoreDuringACleanUpKeepsItsBackupUntilItEnds() throws Exception {
        long old = bed.runFullBackup();
        long windowStart = bed.runFullBackup();
        bed.runFullBackup();
        // nine years old: outside every window (the yearly one keeps 7), the policy deletes it unless something uses
        // it; another full backup ten days old starts the point-in-time window
        for (long[] shift : new long[][] {{old, 3300}, {windowStart, 10}}) {
            bed.db.execRoot(bed.database, "UPDATE backup_history SET started_at = started_at - INTERVAL " + shift[1]
                    + " DAY, snapshot_at = snapshot_at - INTERVAL " + shift[1] + " DAY, completed_at = completed_at - "
                    + "INTERVAL " + shift[1] + " DAY WHERE id = " + shift[0]);
        }
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AdviceWith.adviceWith(context, "restore-load-and-validate", a -> a.weaveAddFirst().process(e -> {
            loading.countDown();
            resume.await(60, TimeUnit.SECONDS);
        }));
        context.getRouteController().startRoute("restore-load-and-validate");
        ServiceTestBed.Response accepted = bed.postJson("/api/backup/restore/" + old, MASTER_KEY, "{}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        long restoreId = accepted.json().get("restoreId").asLong();
        try {
            assertThat(loading.await(60, TimeUnit.SECONDS)).isTrue();
            JsonNode during = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "").json();
            assertThat(during.get("removed").toString()).doesNotContain("\"id\":" + old + ",");
            assertThat(bed.backup(old).get("status").asText()).isEqualTo("success");
        } finally {
            resume.countDown();
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> !bed.get("/api/backup/restore/" + restoreId, MASTER_KEY)
                .json().get("status").asText().equals("running"));
        assertThat(bed.get("/api/backup/restore/" + restoreId, MASTER_KEY).json().get("status").asText())
                .isEqualTo("verified");
        JsonNode after = bed.post("/api/backup/retention/run", MASTER_KEY, "application/json", "").json();
        assertThat(after.get("removed").toString()).contains("\"id\":" + old + ",");
    }
}
