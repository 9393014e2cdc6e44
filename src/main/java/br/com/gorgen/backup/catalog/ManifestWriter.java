package br.com.gorgen.backup.catalog;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.crypto.PgpRecipients;
import br.com.gorgen.backup.dump.DumpInspector;
import br.com.gorgen.backup.dump.DumpStream;
import br.com.gorgen.backup.dump.SourceInfo;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.support.Sha256;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Writes the manifest of a database backup once its artifact is stored and verified in both buckets, and prepares
 * it for the store routes. Also records the snapshot's binary-log coordinates for the history row.
 */
public class ManifestWriter implements Processor {
    private final PgpRecipients recipients;
    private final int tenantId;
    private final String primaryBucket;
    private final String secondaryBucket;
    private final String dumpToolVersion;
    private final int gzipLevel;

    public ManifestWriter(PgpRecipients recipients, int tenantId, String primaryBucket, String secondaryBucket, String dumpToolVersion,
            int gzipLevel) {
        this.recipients = recipients;
        this.tenantId = tenantId;
        this.primaryBucket = primaryBucket;
        this.secondaryBucket = secondaryBucket;
        this.dumpToolVersion = dumpToolVersion;
        this.gzipLevel = gzipLevel;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        BackupManifest manifest = build(exchange);
        if (manifest.snapshot().binlogFile() != null) {
            exchange.setProperty(BinlogCoordinates.PROPERTY, new BinlogCoordinates(manifest.snapshot().binlogFile(),
                    manifest.snapshot().binlogPosition(), manifest.snapshot().gtidPosition()));
        }
        String snapshotAt = manifest.snapshot().observedAt();
        exchange.setProperty(BackupHeaders.PROP_COVERAGE, new BackupRecord.Coverage(
                BinlogCoordinates.sourceId(manifest.source().serverId()), snapshotAt == null ? null : Instant.parse(snapshotAt),
                null, null, null, null, null, in.getHeader(BackupHeaders.NOTES, String.class)));
        stage(exchange, manifest);
    }

    /** Writes a manifest into the work folder and sets the store headers to upload it under the manifest key. */
    public static void stage(Exchange exchange, Object manifest) throws java.io.IOException {
        Message in = exchange.getIn();
        byte[] json = Json.write(manifest).getBytes(StandardCharsets.UTF_8);
        Path file = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class).resolve("manifest.json");
        Files.write(file, json);
        in.setHeader(BackupHeaders.STORE_FILE, file.toString());
        in.setHeader(BackupHeaders.STORE_KEY, in.getHeader(BackupHeaders.MANIFEST_KEY, String.class));
        in.setHeader(BackupHeaders.STORE_SHA256, Sha256.of(json));
        in.setHeader(BackupHeaders.STORE_CONTENT_TYPE, "application/json");
    }

    /** How artifacts are encrypted, for manifests (key ids and fingerprints only). */
    public BackupManifest.Encryption encryption() {
        List<BackupManifest.Recipient> keys = new ArrayList<>();
        for (int i = 0; i < recipients.keyIds().size(); i++) {
            keys.add(new BackupManifest.Recipient(recipients.keyIds().get(i), recipients.fingerprints().get(i)));
        }
        return new BackupManifest.Encryption("OpenPGP", "AES-256", "MDC (SHA-1)", "none (gzip inside)", keys);
    }

    public String primaryBucket() {
        return primaryBucket;
    }

    public String secondaryBucket() {
        return secondaryBucket;
    }

    public int gzipLevel() {
        return gzipLevel;
    }

    public static String serviceVersionText() {
        return serviceVersion();
    }

    BackupManifest build(Exchange exchange) {
        Message in = exchange.getIn();
        ArchiveResult archive = exchange.getProperty(BackupHeaders.PROP_ARCHIVE, ArchiveResult.class);
        SourceInfo source = exchange.getProperty(SourceInfo.PROPERTY, SourceInfo.class);
        DumpStream dump = exchange.getProperty(BackupHeaders.PROP_DUMP, DumpStream.class);
        DumpInspector inspector = dump.inspector();
        List<BackupManifest.TableCount> tables = new ArrayList<>();
        for (Map.Entry<String, Long> e : inspector.rowCounts().entrySet()) {
            tables.add(new BackupManifest.TableCount(e.getKey(), e.getValue()));
        }
        List<String> warnings = new ArrayList<>();
        String stderr = dump.stderrWarnings();
        if (stderr != null && !stderr.isBlank()) {
            warnings.add("dump tool: " + stderr.strip());
        }
        String notes = in.getHeader(BackupHeaders.NOTES, String.class);
        if (notes != null) {
            warnings.add(notes);
        }
        var binlog = inspector.binlogPosition();
        String objectKey = in.getHeader(BackupHeaders.OBJECT_KEY, String.class);
        return new BackupManifest(BackupManifest.FORMAT_VERSION, "gorgen-backup/database",
                in.getHeader(BackupHeaders.BACKUP_ID, Long.class), tenantId,
                in.getHeader(BackupHeaders.BACKUP_TYPE, String.class),
                in.getHeader(BackupHeaders.STARTED_AT, Instant.class).toString(), Instant.now().toString(),
                in.getHeader(BackupHeaders.REQUESTED_BY, String.class),
                new BackupManifest.Artifact(objectKey, primaryBucket, secondaryBucket, archive.storedBytes(),
                        archive.storedSha256(), archive.plainBytes(), archive.plainSha256(), "sql+gzip+openpgp"),
                new BackupManifest.Source(source.host(), source.port(), source.database(), source.serverVersion(),
                        source.serverId(), source.binlogFormat()),
                new BackupManifest.Snapshot("single-transaction", binlog.map(b -> b.file()).orElse(null),
                        binlog.map(b -> b.position()).orElse(null), inspector.gtidPosition().orElse(null),
                        inspector.binlogPositionSeenAt().map(Instant::toString).orElse(null)),
                tables,
                new BackupManifest.SchemaObjects(source.views(), source.routines(), source.triggers(), source.events()),
                encryption(),
                new BackupManifest.Tools(dumpToolVersion, serviceVersion(), gzipLevel),
                warnings,
                "gpg --decrypt <artifact> | gunzip | mariadb <target database>  (see docs/RESTORE.md)", null,
                exchange.getProperty(BackupManifest.ConfigFiles.class.getName(), BackupManifest.ConfigFiles.class));
    }

    private static String serviceVersion() {
        String v = ManifestWriter.class.getPackage().getImplementationVersion();
        return "gorgen-backup " + (v == null ? "dev" : v);
    }
}
