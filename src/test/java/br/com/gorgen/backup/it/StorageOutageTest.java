package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.S3Server;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The primary bucket's server goes down after start-up: the upload is retried with backoff, then the backup fails
 * with a clear message, a CRITICAL alert, no manifest anywhere and no local leftovers.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class StorageOutageTest {
    static ServiceTestBed bed;
    static S3Server primaryServer;

    @BeanInject
    CamelContext context;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_outage");
        primaryServer = new S3Server("outage-primary");
        bed.with("backup.s3.endpoint", primaryServer.endpoint()).with("backup.s3.bucket", "outage-primary")
                .applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void anUnreachablePrimaryBucketIsRetriedThenTheBackupFailsCleanly() throws Exception {
        AtomicInteger redeliveries = new AtomicInteger();
        EventNotifierSupport counter = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeRedeliveryEvent) {
                    redeliveries.incrementAndGet();
                }
            }
        };
        context.getManagementStrategy().addEventNotifier(counter);
        counter.start();
        primaryServer.stop();

        long id = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}").json().get("id").asLong();
        await().atMost(Duration.ofSeconds(120)).until(() -> !bed.backup(id).get("status").asText().equals("running"));
        JsonNode row = bed.backup(id);
        assertThat(row.get("status").asText()).isEqualTo("failed");
        assertThat(row.get("errorMessage").asText()).containsIgnoringCase("storage error");
        assertThat(redeliveries.get()).as("retries before giving up").isEqualTo(2);
        assertThat(bed.s3.keys(SECONDARY, "")).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.mailSubjects().stream()
                .anyMatch(s -> s.contains("CRÍTICO") && s.contains("#" + id)));
        try (var leftovers = Files.list(bed.dataDir.resolve("spool"))) {
            assertThat(leftovers).isEmpty();
        }
    }
}
