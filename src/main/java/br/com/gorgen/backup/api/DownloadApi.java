package br.com.gorgen.backup.api;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupPins;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.support.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * GET /api/backup/download/{id}: streams the stored object as it is (encrypted) straight from the bucket, with its
 * length, type, file name and SHA-256; a single byte range ({@code Range: bytes=a-b}) resumes a large download.
 * {@code ?artifact=manifest} returns the manifest. The primary copy is served, the secondary when the primary is gone.
 */
public class DownloadApi {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final BackupHistory history;
    private final BackupBuckets buckets;
    private final BackupPins pins;

    public DownloadApi(BackupHistory history, BackupBuckets buckets, BackupPins pins) {
        this.pins = pins;
        this.history = history;
        this.buckets = buckets;
    }

    public void download(Exchange exchange) throws ApiException {
        Message in = exchange.getIn();
        long id = RestoreApi.pathId(in.getHeader("id", String.class), "backup id");
        String artifact = in.getHeader("artifact", "backup", String.class);
        if (!artifact.equals("backup") && !artifact.equals("manifest") && !artifact.equals("config")) {
            throw ApiException.badRequest("artifact must be 'backup', 'manifest' or 'config' (a full backup's configuration files)");
        }
        BackupRecord backup;
        try {
            backup = history.findById(id).orElseThrow(() -> new ApiException(404, "not_found", "backup " + id + " does not exist"));
        } catch (SQLException e) {
            throw ApiException.catalogUnavailable("history", e);
        }
        if (!"success".equals(backup.status())) {
            throw new ApiException(409, "not_downloadable", "backup " + id + " is '" + backup.status()
                    + "': only successful backups can be downloaded");
        }
        // the backup is pinned until the last byte is sent (or the caller goes away): no removal starts meanwhile
        BackupPins.Lease pin;
        try {
            pin = pins.pin("download " + java.util.UUID.randomUUID().toString().substring(0, 8) + " by "
                    + in.getHeader(br.com.gorgen.backup.support.BackupHeaders.API_CALLER, String.class), List.of(id));
        } catch (BackupPins.NotPinnableException e) {
            throw new ApiException(409, "not_downloadable", e.getMessage());
        } catch (SQLException e) {
            throw ApiException.catalogUnavailable("pins", e);
        }
        try {
            serve(exchange, backup, artifact, pin);
        } catch (ApiException | RuntimeException e) {
            pin.close();
            throw e;
        }
    }

    private void serve(Exchange exchange, BackupRecord backup, String artifact, BackupPins.Lease pin) throws ApiException {
        Message in = exchange.getIn();
        long id = backup.id();
        boolean manifest = artifact.equals("manifest");
        String key = manifest ? backup.manifestPath() : artifact.equals("config")
                ? br.com.gorgen.backup.storage.BackupKeyLayout.folderOf(backup.filePath()) + "config.tar.gz.gpg"
                : backup.filePath();
        BackupBuckets.Bucket bucket = locate(key);
        long size = bucket.client().headObject(HeadObjectRequest.builder().bucket(bucket.name()).key(key).build())
                .contentLength();
        String rangeHeader = in.getHeader("Range", String.class);
        long first = 0;
        long last = size - 1;
        boolean partial = false;
        if (rangeHeader != null && !manifest) {
            long[] r = parseRange(rangeHeader, size);
            first = r[0];
            last = r[1];
            partial = true;
        }
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket.name()).key(key);
        if (partial) {
            get.range("bytes=" + first + "-" + last);
        }
        ResponseInputStream<GetObjectResponse> body = bucket.client().getObject(get.build());
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        in.removeHeader("Range");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, partial ? 206 : 200);
        in.setHeader(Exchange.CONTENT_TYPE, manifest ? "application/json" : "application/pgp-encrypted");
        in.setHeader("X-Object-Size", size);
        in.setHeader("X-Content-Length", last - first + 1);
        in.setHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        in.setHeader("Accept-Ranges", "bytes");
        if (artifact.equals("backup")) {
            in.setHeader("X-Checksum-SHA256", backup.checksumSha256());
        }
        if (partial) {
            in.setHeader("Content-Range", "bytes " + first + "-" + last + "/" + size);
        }
        in.setHeader("X-Backup-Bucket", bucket.name());
        in.setBody(new java.io.FilterInputStream(body) {
            @Override
            public void close() throws java.io.IOException {
                try {
                    super.close();
                } finally {
                    pin.close();
                }
            }
        });
        in.setHeader("AuditAction", "backup.download");
        in.setHeader("AuditTarget", "backup:" + id);
        in.setHeader("AuditDetails", Json.write(Map.of("artifact", artifact, "bucket", bucket.name(),
                "range", partial ? first + "-" + last : "all")));
    }

    private BackupBuckets.Bucket locate(String key) throws ApiException {
        for (BackupBuckets.Bucket b : buckets.both()) {
            try {
                b.client().headObject(HeadObjectRequest.builder().bucket(b.name()).key(key).build());
                return b;
            } catch (NoSuchKeyException e) {
                // try the other bucket
            } catch (RuntimeException e) {
                if (!(e instanceof software.amazon.awssdk.services.s3.model.S3Exception s && s.statusCode() == 404)) {
                    // unreachable bucket: try the other one
                }
            }
        }
        throw new ApiException(404, "not_found", "no copy of " + key + " in either bucket");
    }

    /** A single range; 416 when it cannot be satisfied. */
    static long[] parseRange(String header, long size) throws ApiException {
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw new ApiException(416, "range_not_satisfiable", "only one range of the form bytes=first-last is supported",
                    Map.of("size", size));
        }
        long first;
        long last;
        if (m.group(1).isEmpty()) { // suffix: the last N bytes
            long n = Long.parseLong(m.group(2));
            first = Math.max(0, size - n);
            last = size - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        }
        if (first >= size || first > last) {
            throw new ApiException(416, "range_not_satisfiable", "range " + header + " is outside the object's " + size
                    + " bytes", Map.of("size", size));
        }
        return new long[] {first, last};
    }
}
