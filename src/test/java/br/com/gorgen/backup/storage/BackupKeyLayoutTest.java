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

    @Test
    void aBackupsOwnFolderIsOnlyWhereThisLayoutPutsIt() {
        Instant t = Instant.parse("2026-01-04T06:00:00Z");
        String artifact = layout.databaseArtifact("full", t, 42);
        String manifest = layout.manifest("full", t, 42);
        assertThat(layout.ownFolder(42, "full", artifact, manifest)).contains(layout.databaseFolder("full", t, 42));
        assertThat(layout.ownFolder(42, "full", artifact, null)).contains(layout.databaseFolder("full", t, 42));
        assertThat(layout.ownFolder(43, "full", artifact, manifest)).as("another backup's id").isEmpty();
        assertThat(layout.ownFolder(42, "incremental", artifact, manifest)).as("another type").isEmpty();
        assertThat(new BackupKeyLayout("gorgen-backup", 4).ownFolder(42, "full", artifact, manifest))
                .as("another tenant").isEmpty();
        assertThat(layout.ownFolder(42, "full", "gorgen-backup/tenant-3/database/x.sql.gz.gpg", manifest))
                .as("artifact outside the folder").isEmpty();
        assertThat(layout.ownFolder(42, "full", null, "gorgen-backup/tenant-3/manifest.json")).as("the root").isEmpty();
        assertThat(layout.ownFolder(42, "full", null, "gorgen-backup/tenant-3/database/../full-x-42/manifest.json"))
                .isEmpty();
        String docs = layout.manifestOf("documents-incremental", t, 7);
        assertThat(layout.ownFolder(7, "documents-incremental", layout.artifact("documents-incremental", t, 7), docs))
                .contains(layout.documentsFolder("documents-incremental", t, 7));
        String log = layout.binlogManifest("server-1", "binlog.000042", t);
        assertThat(layout.ownFolder(9, "transactional", layout.binlogArtifact("server-1", "binlog.000042", t), log))
                .contains(layout.binlogFolder("server-1", "binlog.000042", t));
        assertThat(layout.ownFolder(9, "transactional", null, "gorgen-backup/tenant-3/binlog/manifest.json")).isEmpty();
        assertThat(layout.ownFolder(9, "full", null, null)).isEmpty();
    }
}
