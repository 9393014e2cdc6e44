package br.com.gorgen.backup.storage;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackupKeyLayoutTest {
    private final BackupKeyLayout layout = new BackupKeyLayout("gorgen-backup", 3);

    @Test
    void everyBackupHasItsOwnFolderUnderThePrefixAndTenantInUtc() {
        // 03:00 in Sao Paulo on a Sunday is 06:00 UTC
        Instant started = Instant.parse("2026-01-04T06:00:00Z");
        assertThat(layout.databaseArtifact("full", started, 42)).isEqualTo(
                "gorgen-backup/tenant-3/database/2026/01/04/full-20260104T060000Z-42/gorgen_full_20260104T060000Z.sql.gz.gpg");
        assertThat(layout.manifest("full", started, 42))
                .isEqualTo("gorgen-backup/tenant-3/database/2026/01/04/full-20260104T060000Z-42/manifest.json");
        assertThat(BackupKeyLayout.folderOf(layout.manifest("full", started, 42)))
                .isEqualTo(layout.databaseFolder("full", started, 42)).startsWith(layout.tenantRoot());
    }

    @Test
    void twoBackupsInTheSameSecondNeverShareAFolder() {
        Instant t = Instant.parse("2026-03-01T02:59:59Z");
        assertThat(layout.databaseFolder("full", t, 1)).isNotEqualTo(layout.databaseFolder("full", t, 2));
    }
}
