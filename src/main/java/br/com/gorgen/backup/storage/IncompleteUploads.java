package br.com.gorgen.backup.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.support.ErrorMessages;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Multipart uploads a failed or interrupted store left open under the service's own prefix: invisible to a listing,
 * billed by the provider, and never a backup. Aborted by each clean-up once older than a day (an upload that old is
 * no upload in progress; {@code backup.s3.incomplete.upload.max.age.hours}), in both buckets; another installation's uploads (outside this tenant's root) are not
 * touched. A server that does not list multipart uploads is reported, not an error.
 */
public class IncompleteUploads {
    private static final Logger LOG = LoggerFactory.getLogger(IncompleteUploads.class);
    public static final String PROP_REPORT = "IncompleteUploadsReport";

    private final BackupBuckets buckets;
    private final BackupKeyLayout layout;
    private final Clock clock;
    private final Duration age;

    /** @param age how old an open upload must be to be aborted ({@code backup.s3.incomplete.upload.max.age.hours}) */
    public IncompleteUploads(BackupBuckets buckets, BackupKeyLayout layout, Clock clock, Duration age) {
        this.age = age;
        this.buckets = buckets;
        this.layout = layout;
        this.clock = clock;
    }

    /** Aborts the stale uploads; property {@link #PROP_REPORT} says which. Never fails the clean-up. */
    public void abortStale(Exchange exchange) {
        Instant cutoff = clock.instant().minus(age);
        List<String> aborted = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (BackupBuckets.Bucket b : buckets.both()) {
            try {
                String keyMarker = null;
                String uploadMarker = null;
                ListMultipartUploadsResponse page;
                do {
                    page = b.client().listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(b.name())
                            .prefix(layout.tenantRoot()).keyMarker(keyMarker).uploadIdMarker(uploadMarker).build());
                    for (MultipartUpload u : page.uploads()) {
                        if (u.initiated() != null && u.initiated().isBefore(cutoff)) {
                            b.client().abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(b.name())
                                    .key(u.key()).uploadId(u.uploadId()).build());
                            aborted.add(b.name() + "/" + u.key());
                        }
                    }
                    keyMarker = page.nextKeyMarker();
                    uploadMarker = page.nextUploadIdMarker();
                } while (Boolean.TRUE.equals(page.isTruncated()));
            } catch (RuntimeException e) {
                problems.add(b.name() + ": incomplete uploads not listed: " + ErrorMessages.describe(e));
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("aborted", aborted);
        report.put("problems", problems);
        exchange.setProperty(PROP_REPORT, report);
        if (!aborted.isEmpty()) {
            LOG.warn("Aborted {} incomplete multipart upload(s) older than {}: {}", aborted.size(), age, aborted);
        }
    }
}
