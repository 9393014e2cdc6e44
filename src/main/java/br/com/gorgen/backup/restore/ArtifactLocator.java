package br.com.gorgen.backup.restore;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.support.Sha256;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Before any database is touched: finds a copy of the backup whose manifest is present and whose stored bytes hash to
 * the recorded SHA-256, trying the primary bucket first and then the secondary. A bad primary copy is reported for a
 * CRITICAL alert; two bad copies refuse the restore.
 */
public class ArtifactLocator implements Processor {
    /** A verified copy: which bucket, and the manifest read from it. */
    public record Source(BackupBuckets.Bucket bucket, BackupRecord backup, BackupManifest manifest) {
    }

    private final BackupHistory history;
    private final BackupBuckets buckets;

    public ArtifactLocator(BackupHistory history, BackupBuckets buckets) {
        this.history = history;
        this.buckets = buckets;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        long backupId = in.getHeader(RestoreHeaders.BACKUP_ID, Long.class);
        BackupRecord backup = history.findById(backupId)
                .orElseThrow(() -> new RestoreRefusedException("backup " + backupId + " does not exist"));
        if (!"success".equals(backup.status())) {
            throw new RestoreRefusedException("backup " + backupId + " is '" + backup.status() + "', not 'success'");
        }
        List<String> problems = new ArrayList<>();
        Source source = verifiedCopy(backup, problems);
        exchange.setProperty(RestoreHeaders.PROP_SOURCE, source);
        exchange.setProperty(RestoreHeaders.PROP_MANIFEST, source.manifest());
        if (!problems.isEmpty()) {
            in.setHeader(RestoreHeaders.BAD_COPY, String.join("; ", problems));
        }
    }

    /**
     * The first intact copy of a backup (primary, then secondary); problems with a copy are added to {@code problems}
     * (for the alert). Throws when no copy is intact.
     */
    public Source verifiedCopy(BackupRecord backup, List<String> problems) throws Exception {
        List<String> mine = new ArrayList<>();
        for (BackupBuckets.Bucket bucket : buckets.both()) {
            String problem = check(bucket, backup);
            if (problem == null) {
                problems.addAll(mine);
                return new Source(bucket, backup, readManifest(bucket, backup));
            }
            mine.add(problem);
        }
        throw new RestoreRefusedException("no intact copy of backup " + backup.id() + " (nothing was touched): "
                + String.join("; ", mine));
    }

    /** Null when the copy in this bucket is intact, else what is wrong with it. */
    private String check(BackupBuckets.Bucket bucket, BackupRecord backup) {
        String where = "s3://" + bucket.name() + "/" + backup.filePath();
        try {
            BackupManifest manifest = readManifest(bucket, backup);
            if (!backup.checksumSha256().equalsIgnoreCase(manifest.artifact().sha256())) {
                return "manifest in " + bucket.name() + " does not match the history's checksum";
            }
            String actual;
            try (InputStream object = bucket.client().getObject(GetObjectRequest.builder().bucket(bucket.name())
                    .key(backup.filePath()).build())) {
                actual = Sha256.of(object);
            }
            return actual.equalsIgnoreCase(backup.checksumSha256()) ? null
                    : where + " is corrupt (SHA-256 " + actual + ", expected " + backup.checksumSha256() + ")";
        } catch (Exception e) {
            return where + " cannot be read: " + ErrorMessages.describe(e);
        }
    }

    static BackupManifest readManifest(BackupBuckets.Bucket bucket, BackupRecord backup) throws Exception {
        try (InputStream in = bucket.client().getObject(GetObjectRequest.builder().bucket(bucket.name())
                .key(backup.manifestPath()).build())) {
            return Json.mapper().readValue(in, BackupManifest.class);
        }
    }
}
