package br.com.gorgen.backup.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/** One run per lane; a backup asked for while the retention clean-up holds its lane waits for the hold to end. */
class RunLanesTest {
    private final RunLanes lanes = new RunLanes();

    @Test
    void aLaneTakenByABackupRefusesAnotherAndTheCleanUpsHold() throws Exception {
        lanes.claim("documents", -1, 1000);
        lanes.set("documents", 42);
        assertThatThrownBy(() -> lanes.claim("documents", -1, 1000)).isInstanceOf(BackupAlreadyRunningException.class)
                .extracting(e -> ((BackupAlreadyRunningException) e).runningId()).isEqualTo(42L);
        assertThat(lanes.hold("documents")).isFalse();
        lanes.claim("database", -1, 1000); // the other lane is free
        lanes.release(42);
        assertThat(lanes.hold("documents")).isTrue();
        lanes.releaseHold("documents");
        assertThat(lanes.get("documents")).isEmpty();
    }

    @Test
    void aBackupAskedForDuringTheHoldStartsWhenItEnds() {
        assertThat(lanes.hold("documents")).isTrue();
        CompletableFuture<Void> backup = CompletableFuture.runAsync(() -> {
            try {
                lanes.claim("documents", -1, Duration.ofMinutes(1).toMillis());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !backup.isDone());
        lanes.releaseHold("documents");
        await().atMost(Duration.ofSeconds(5)).until(backup::isDone);
        assertThat(backup).isNotCompletedExceptionally();
        assertThat(lanes.get("documents")).contains(-1L);
    }

    @Test
    void aHoldThatOutlastsTheWaitIsReportedAsTheCleanUp() {
        assertThat(lanes.hold("documents")).isTrue();
        assertThatThrownBy(() -> lanes.claim("documents", -1, 50)).isInstanceOf(BackupAlreadyRunningException.class)
                .hasMessageContaining("retention clean-up");
    }
}
