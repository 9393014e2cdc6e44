package br.com.gorgen.backup.binlog;

import java.time.Instant;
import java.util.List;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.ManifestWriter;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Builds the manifests of binary-log backups (transactional and incremental); never any row data. */
public class BinlogManifests {
    private final ManifestWriter common;
    private final DatabaseUrl source;
    private final int tenantId;
    private final String toolVersion;

    public BinlogManifests(ManifestWriter common, DatabaseUrl source, int tenantId, String toolVersion) {
        this.common = common;
        this.source = source;
        this.tenantId = tenantId;
        this.toolVersion = toolVersion;
    }

    /** Writes the manifest into the work folder and sets the store headers for it. */
    public void stage(Exchange exchange, BinlogServer.State state, BackupManifest.Binlog binlog, String format,
            List<String> warnings, String restoreHint) throws java.io.IOException {
        Message in = exchange.getIn();
        ArchiveResult archive = exchange.getProperty(BackupHeaders.PROP_ARCHIVE, ArchiveResult.class);
        BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT_VERSION, "gorgen-backup/binlog",
                in.getHeader(BackupHeaders.BACKUP_ID, Long.class), tenantId,
                in.getHeader(BackupHeaders.BACKUP_TYPE, String.class),
                in.getHeader(BackupHeaders.STARTED_AT, Instant.class).toString(), Instant.now().toString(),
                in.getHeader(BackupHeaders.REQUESTED_BY, String.class),
                new BackupManifest.Artifact(in.getHeader(BackupHeaders.OBJECT_KEY, String.class), common.primaryBucket(),
                        common.secondaryBucket(), archive.storedBytes(), archive.storedSha256(), archive.plainBytes(),
                        archive.plainSha256(), format),
                new BackupManifest.Source(source.host(), source.port(), source.database(), state.version(),
                        state.serverId(), state.format()),
                null, List.of(), null, common.encryption(),
                new BackupManifest.Tools(toolVersion, ManifestWriter.serviceVersionText(), common.gzipLevel()),
                warnings, restoreHint, binlog, null);
        ManifestWriter.stage(exchange, manifest);
    }

    static BackupManifest.BinlogFile entry(BinlogFileSummary s, String sha256) {
        return new BackupManifest.BinlogFile(s.fileName(), s.sizeBytes(), sha256, text(s.firstEventAt()),
                text(s.lastEventAt()), s.startPosition(), s.endPosition(), s.gtidFirst(), s.gtidLast(), s.transactions());
    }

    static String text(Instant i) {
        return i == null ? null : i.toString();
    }
}
