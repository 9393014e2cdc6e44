package br.com.gorgen.backup.binlog;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShipmentPlanTest {
    @Test
    void shipsTheFilesAfterTheLastShippedOneInOrder() {
        ShipmentPlan p = ShipmentPlan.of(List.of("binlog.000003", "binlog.000004", "binlog.000005"), "binlog.000003", null);
        assertThat(p.files()).containsExactly("binlog.000004", "binlog.000005");
        assertThat(p.gap()).isNull();
    }

    @Test
    void nothingNewIsNothingToDo() {
        ShipmentPlan p = ShipmentPlan.of(List.of("binlog.000003", "binlog.000004"), "binlog.000004", null);
        assertThat(p.files()).isEmpty();
        assertThat(p.gap()).isNull();
    }

    @Test
    void filesPurgedBeforeShippingAreAGap() {
        ShipmentPlan p = ShipmentPlan.of(List.of("binlog.000008", "binlog.000009"), "binlog.000005", null);
        assertThat(p.files()).containsExactly("binlog.000008", "binlog.000009");
        assertThat(p.gap()).contains("binlog.000006 to binlog.000007").contains("purged");
        assertThat(ShipmentPlan.of(List.of("binlog.000007"), "binlog.000005", null).gap()).contains("binlog.000006 were");
    }

    @Test
    void aRestartedNumberingShipsEverythingAndSaysContinuityIsUnproven() {
        ShipmentPlan p = ShipmentPlan.of(List.of("binlog.000001", "binlog.000002"), "binlog.000041", null);
        assertThat(p.files()).containsExactly("binlog.000001", "binlog.000002");
        assertThat(p.gap()).contains("restarted");
        ShipmentPlan renamed = ShipmentPlan.of(List.of("mysql-bin.000001"), "binlog.000041", null);
        assertThat(renamed.files()).containsExactly("mysql-bin.000001");
        assertThat(renamed.gap()).contains("restarted");
    }

    @Test
    void theFirstShipmentStartsAtTheFullBackupsSnapshotFile() {
        ShipmentPlan p = ShipmentPlan.of(List.of("binlog.000002", "binlog.000003", "binlog.000004"), null, "binlog.000003");
        assertThat(p.files()).containsExactly("binlog.000003", "binlog.000004");
        assertThat(p.gap()).isNull();
        ShipmentPlan purged = ShipmentPlan.of(List.of("binlog.000005"), null, "binlog.000003");
        assertThat(purged.files()).containsExactly("binlog.000005");
        assertThat(purged.gap()).contains("binlog.000003 to binlog.000004");
    }

    @Test
    void withoutHistoryOrFullBackupOnlyTheNewestClosedFileIsShipped() {
        assertThat(ShipmentPlan.of(List.of("binlog.000002", "binlog.000003"), null, null).files())
                .containsExactly("binlog.000003");
        assertThat(ShipmentPlan.of(List.of(), "binlog.000003", null).files()).isEmpty();
    }

    @Test
    void fileNamesKeepTheirPadding() {
        ShipmentPlan.FileName n = ShipmentPlan.FileName.parse("binlog.000099");
        assertThat(n.withSequence(100)).isEqualTo("binlog.000100");
        assertThat(n.isFollowedBy(ShipmentPlan.FileName.parse("binlog.000100"))).isTrue();
        assertThat(n.isFollowedBy(ShipmentPlan.FileName.parse("other.000100"))).isFalse();
        assertThatThrownBy(() -> ShipmentPlan.FileName.parse("binlog")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShipmentPlan.FileName.parse("binlog.index")).isInstanceOf(IllegalArgumentException.class);
    }
}
