package br.com.gorgen.backup.storage;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BinlogKeysTest {
    private final BackupKeyLayout layout = new BackupKeyLayout("gorgen-backup", 1);

    @Test
    void binlogKeysCarryTheServerTheFileAndItsFirstEventTime() {
        Instant first = Instant.parse("2026-01-13T13:00:05Z");
        assertThat(layout.binlogArtifact("server-101", "binlog.000042", first))
                .isEqualTo("gorgen-backup/tenant-1/binlog/server-101/binlog.000042-20260113T130005Z/binlog.000042.gz.gpg");
        assertThat(layout.binlogManifest("server-101", "binlog.000042", first))
                .isEqualTo("gorgen-backup/tenant-1/binlog/server-101/binlog.000042-20260113T130005Z/manifest.json");
    }

    @Test
    void theNewestShippedFileIsFoundFromManifestsOnly() {
        String root = layout.binlogRoot("server-101");
        List<String> keys = List.of(
                root + "binlog.000041-20260113T120000Z/manifest.json",
                root + "binlog.000041-20260113T120000Z/binlog.000041.gz.gpg",
                root + "binlog.000042-20260113T130005Z/manifest.json",
                // uploaded, but its manifest never was: not shipped
                root + "binlog.000043-20260113T140000Z/binlog.000043.gz.gpg",
                // numbering restarted later: newer by time although its number is lower
                root + "binlog.000001-20260114T090000Z/manifest.json");
        assertThat(BackupKeyLayout.newestShippedBinlog(root, keys)).isEqualTo("binlog.000001");
        assertThat(BackupKeyLayout.newestShippedBinlog(root, keys.subList(0, 4))).isEqualTo("binlog.000042");
        assertThat(BackupKeyLayout.newestShippedBinlog(root, List.of())).isNull();
    }
}
