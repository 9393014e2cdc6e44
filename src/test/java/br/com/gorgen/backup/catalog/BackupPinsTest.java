package br.com.gorgen.backup.catalog;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import br.com.gorgen.backup.testbed.MariaDbServer;
import com.mysql.cj.jdbc.MysqlDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pins and removal claims against a real MariaDB: whichever comes first wins and the other knows it, also when many
 * race for the same backup; a pin on the whole catalog refuses every claim; pins of another process are released.
 */
class BackupPinsTest {
    final MariaDbServer db = MariaDbServer.shared();
    MysqlDataSource ds;
    SchemaMigrator migrator;
    BackupHistory history;

    @BeforeEach
    void catalog() {
        db.execRoot(null, "DROP DATABASE IF EXISTS gorgen_pins", "CREATE DATABASE gorgen_pins");
        ds = new MysqlDataSource();
        ds.setUrl("jdbc:mysql://127.0.0.1:" + db.port() + "/gorgen_pins?user=root&password=");
        migrator = new SchemaMigrator(ds);
        history = new BackupHistory(ds, migrator, 1);
    }

    long successfulBackup() throws Exception {
        long id = history.insertRunning("full", java.time.Instant.now(), "test");
        history.markSuccess(id, java.time.Instant.now(), 1, "ab", 1, "cd", null, null);
        return id;
    }

    BackupPins pins(String instance) {
        return new BackupPins(ds, migrator, 1, instance, Clock.systemUTC());
    }

    @Test
    void aPinRefusesALaterClaimAndAClaimRefusesALaterPin() throws Exception {
        BackupPins pins = pins("this");
        long a = successfulBackup();
        long b = successfulBackup();
        try (BackupPins.Lease lease = pins.pin("restore #1", List.of(a))) {
            assertThat(pins.claimForRemoval(a, "success")).isEqualTo("in use by restore #1");
            assertThat(history.findById(a).orElseThrow().status()).isEqualTo("success");
        }
        assertThat(pins.claimForRemoval(a, "success")).isNull();
        assertThat(history.findById(a).orElseThrow().status()).isEqualTo("expiring");
        assertThatThrownBy(() -> pins.pin("restore #2", List.of(b, a))).isInstanceOf(BackupPins.NotPinnableException.class)
                .hasMessageContaining("being deleted");
        assertThat(pins.active()).as("all or none").isEmpty();
        assertThat(pins.claimForRemoval(b, "failed")).contains("status changed");
    }

    @Test
    void manyRacingForOneBackupNeverBothPinAndRemoveIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            long id = successfulBackup();
            BackupPins pins = pins("this");
            AtomicInteger pinned = new AtomicInteger();
            AtomicInteger claimed = new AtomicInteger();
            List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                all.add(CompletableFuture.runAsync(() -> {
                    try {
                        pins.pin("restore #" + n, List.of(id));
                        pinned.incrementAndGet();
                    } catch (BackupPins.NotPinnableException e) {
                        // the claim came first
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
                all.add(CompletableFuture.runAsync(() -> {
                    try {
                        if (pins.claimForRemoval(id, "success") == null) {
                            claimed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            assertThat(claimed.get()).isLessThanOrEqualTo(1);
            assertThat(pinned.get() > 0 && claimed.get() > 0)
                    .as("round %d: %d pinned, %d claimed", round, pinned.get(), claimed.get()).isFalse();
            for (int i = 0; i < 4; i++) {
                pins.release("restore #" + i);
            }
        }
    }

    @Test
    void aPinOnTheWholeCatalogRefusesEveryClaimAndPinsOfAGoneProcessAreReleased() throws Exception {
        long a = successfulBackup();
        BackupPins gone = pins("gone");
        gone.pinEverything("catalog rebuild");
        BackupPins pins = pins("this");
        assertThat(pins.claimForRemoval(a, "success")).isEqualTo("in use by catalog rebuild");
        assertThat(pins.releaseOthers()).extracting(BackupPins.Pin::owner).containsExactly("catalog rebuild");
        assertThat(pins.claimForRemoval(a, "success")).isNull();
    }
}
