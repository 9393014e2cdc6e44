package br.com.gorgen.backup.storage;

import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import br.com.gorgen.backup.settings.S3Target;
import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * How the secondary bucket gets its copy of an object the primary holds (verified): made by the S3 service itself
 * (CopyObject from the primary bucket; for an object uploaded in parts, UploadPartCopy with the same part boundaries,
 * so the copy's ETag is the upload's and proves the copy byte for byte) or uploaded from this server a second time.
 *
 * <p>Setting {@code backup.s3.secondary.replication}:
 * <ul>
 *   <li>{@code auto} (default): a server-side copy when both buckets are on the same S3 service with the same access
 *       key (the same endpoint, or two regions of AWS S3, whose cross-region copy is what the seed plan's
 *       "replicação entre regiões" costs); an upload otherwise. When the service refuses the copy (access denied to
 *       the primary, not implemented), the object is uploaded instead, and so is every later one until restart.</li>
 *   <li>{@code copy}: always a server-side copy; a refusal fails the backup.</li>
 *   <li>{@code upload}: always an upload from this server (both buckets at once).</li>
 * </ul>
 * A copy sends nothing through this server's uplink: a multi-GB dump crosses the clinic's connection once, not twice.
 * Either way the secondary's copy is then verified as an upload is (ETag, else read back and SHA-256).
 */
public class SecondaryReplica {
    private static final Logger LOG = LoggerFactory.getLogger(SecondaryReplica.class);
    /** Header: true when the server-side copy was refused and the object must be uploaded instead. */
    public static final String UPLOAD_INSTEAD = "BackupReplicaUploadInstead";
    /** CopyObject's limit: larger objects are copied in parts. */
    static final long SINGLE_COPY_LIMIT = 5L * 1024 * 1024 * 1024;
    static final int MAX_PARTS = 10_000;

    public enum Mode {
        AUTO, COPY, UPLOAD;

        public static Mode parse(String text) {
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("backup.s3.secondary.replication must be auto, copy or upload, not '"
                        + text + "'");
            }
        }
    }

    private final Mode mode;
    private final boolean sameService;
    private final BackupBuckets.Bucket primary;
    private final BackupBuckets.Bucket secondary;
    private final long partSize;
    private final AtomicReference<String> refused = new AtomicReference<>();
    private final Consumer<String> outcomes;

    /** @param outcomes told {@code copied} or {@code refused} for every copy asked for (a metric) */
    public SecondaryReplica(Mode mode, BackupBuckets.Bucket primary, BackupBuckets.Bucket secondary, long partSize,
            Consumer<String> outcomes) {
        this.mode = mode;
        this.outcomes = outcomes;
        this.primary = primary;
        this.secondary = secondary;
        this.partSize = partSize;
        this.sameService = sameService(primary.target(), secondary.target());
    }

    /** True when the secondary's copies are made server-side (the store routes then store the primary first). */
    public boolean serverSide() {
        return mode == Mode.COPY || mode == Mode.AUTO && sameService && refused.get() == null;
    }

    /** What the start-up log and the status say about replication. */
    public String describe() {
        if (!serverSide()) {
            return mode == Mode.UPLOAD ? "uploaded from this server (backup.s3.secondary.replication=upload)"
                    : refused.get() != null ? "uploaded from this server (server-side copy refused: " + refused.get() + ")"
                    : "uploaded from this server (the buckets are on different S3 services or keys)";
        }
        return "copied by the S3 service from the primary bucket (" + mode.name().toLowerCase(Locale.ROOT) + ")";
    }

    /**
     * Both targets reach the same S3 service with the same credentials: the same endpoint (scheme, host and port), or
     * two AWS S3 endpoints (regions). Keys are compared, never logged.
     */
    static boolean sameService(S3Target a, S3Target b) {
        if (!a.accessKey().equals(b.accessKey()) || a.embedded() != b.embedded()) {
            return false;
        }
        if (a.embedded()) {
            return true;
        }
        URI x = URI.create(a.endpoint().strip());
        URI y = URI.create(b.endpoint().strip());
        if (x.getHost() == null || y.getHost() == null) {
            return false;
        }
        String hx = x.getHost().toLowerCase(Locale.ROOT);
        String hy = y.getHost().toLowerCase(Locale.ROOT);
        if (hx.endsWith(".amazonaws.com") && hy.endsWith(".amazonaws.com")) {
            return true;
        }
        return hx.equals(hy) && x.getPort() == y.getPort() && String.valueOf(x.getScheme()).equalsIgnoreCase(
                String.valueOf(y.getScheme()));
    }

    /**
     * Copies the object of the store headers from the primary bucket to the secondary, server-side, and leaves the
     * copy's key and ETag in the aws2-s3 headers for the verification that follows. In {@code auto} mode a refusal
     * sets {@link #UPLOAD_INSTEAD} instead of failing.
     */
    public void copy(Exchange exchange) {
        Message in = exchange.getIn();
        in.removeHeaders("CamelAwsS3*");
        String key = in.getHeader(BackupHeaders.STORE_KEY, String.class);
        long size = new File(in.getHeader(BackupHeaders.STORE_FILE, String.class)).length();
        String expected = in.getHeader(BackupHeaders.STORE_ETAG, String.class);
        in.setHeader(UPLOAD_INSTEAD, false);
        String etag;
        try {
            etag = inParts(expected, size) ? copyInParts(in, key, size, expected) : copyWhole(key);
        } catch (S3Exception e) {
            if (mode != Mode.AUTO || !refusal(e)) {
                throw e;
            }
            String why = e.statusCode() + " " + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode());
            if (refused.compareAndSet(null, why)) {
                LOG.warn("The S3 service refused to copy s3://{}/{} to s3://{} ({}): the secondary bucket's copies are "
                        + "uploaded from this server from now on, until restart (backup.s3.secondary.replication=upload "
                        + "skips the attempt; =copy makes a refusal fail the backup)", primary.name(), key,
                        secondary.name(), why);
            }
            in.setHeader(UPLOAD_INSTEAD, true);
            outcomes.accept("refused");
            return;
        }
        outcomes.accept("copied");
        in.setHeader(AWS2S3Constants.KEY, key);
        in.setHeader(AWS2S3Constants.E_TAG, etag);
    }

    /**
     * A refusal of the copy itself, not a fault of the storage: access to the source denied, a request the service
     * does not implement or accept. A missing bucket (404) or a server error is no refusal: it fails (or is retried)
     * as an upload's would.
     */
    static boolean refusal(S3Exception e) {
        int code = e.statusCode();
        return code == 403 || code == 501 || code == 400 || code == 405;
    }

    /**
     * Copied in parts when the upload was in parts (its ETag ends in "-N": the same boundaries give the same ETag) or
     * the object is over CopyObject's limit.
     */
    private boolean inParts(String expected, long size) {
        return expected != null && expected.contains("-") || size > SINGLE_COPY_LIMIT;
    }

    private String copyWhole(String key) {
        return secondary.client().copyObject(CopyObjectRequest.builder()
                .sourceBucket(primary.name()).sourceKey(key)
                .destinationBucket(secondary.name()).destinationKey(key)
                .metadataDirective(MetadataDirective.COPY)
                .build()).copyObjectResult().eTag();
    }

    private String copyInParts(Message in, String key, long size, String expected) {
        long part = partSize;
        if (expected == null || !expected.contains("-")) { // over the single-copy limit: parts as large as needed
            part = Math.max(part, (size + MAX_PARTS - 1) / MAX_PARTS);
        }
        var s3 = secondary.client();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(secondary.name()).key(key)
                .contentType(in.getHeader(BackupHeaders.STORE_CONTENT_TYPE, "application/octet-stream", String.class))
                .metadata(Map.of("sha256", in.getHeader(BackupHeaders.STORE_SHA256, String.class)))).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long from = 0; from < size; from += part, number++) {
                String range = "bytes=" + from + "-" + (Math.min(size, from + part) - 1);
                int n = number;
                String partEtag = s3.uploadPartCopy(b -> b.sourceBucket(primary.name()).sourceKey(key)
                        .destinationBucket(secondary.name()).destinationKey(key).uploadId(uploadId).partNumber(n)
                        .copySourceRange(range)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(partEtag).build());
            }
            return s3.completeMultipartUpload(b -> b.bucket(secondary.name()).key(key).uploadId(uploadId)
                    .multipartUpload(u -> u.parts(parts))).eTag();
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(secondary.name()).key(key).uploadId(uploadId));
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }
}
