package br.com.gorgen.backup.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/**
 * S3 Object Lock for the backup buckets that have it: every object the service stores gets, once verified, a
 * retain-until date of its retention class (a backup's own objects and documents contents: the daily window; shipped
 * binary logs: the point-in-time window), and the retention clean-up later extends the objects of backups a longer
 * rule keeps (weekly, monthly, yearly) to the end of that rule. Dates are only ever extended; the clean-up never tries
 * to delete an object before its date. Set with PutObjectRetention after the upload, whatever the upload's kind (some
 * servers ignore lock headers on multipart uploads); a bucket default retention rule, when the operator sets one,
 * covers the moment in between. Buckets without Object Lock are left alone.
 */
public class ObjectLocking {
    private final BackupBuckets buckets;
    private final BackupKeyLayout layout;
    private final ObjectLockRetentionMode mode;
    private final Duration backups;
    private final Duration binlogs;
    private final Clock clock;

    /**
     * @param mode GOVERNANCE (an account with the bypass permission can still delete) or COMPLIANCE (nobody can)
     * @param backupDays retention class of a backup's own objects and of documents contents (the daily window)
     * @param binlogDays retention class of shipped binary logs (the point-in-time window)
     */
    public ObjectLocking(BackupBuckets buckets, BackupKeyLayout layout, String mode, int backupDays, int binlogDays,
            Clock clock) {
        this.buckets = buckets;
        this.layout = layout;
        this.mode = ObjectLockRetentionMode.fromValue(mode.strip().toUpperCase(java.util.Locale.ROOT));
        if (this.mode == ObjectLockRetentionMode.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("setting backup.s3.object.lock.mode must be GOVERNANCE or COMPLIANCE, got '"
                    + mode + "'");
        }
        this.backups = Duration.ofDays(backupDays);
        this.binlogs = Duration.ofDays(binlogDays);
        this.clock = clock;
    }

    public ObjectLockRetentionMode mode() {
        return mode;
    }

    /** Route step after a stored object is verified: locks it for its class when its bucket has Object Lock. */
    public void lockStored(Exchange exchange) {
        String bucketName = exchange.getIn().getHeader(StoredObjectVerifier.BUCKET_HEADER, String.class);
        String key = exchange.getIn().getHeader(BackupHeaders.STORE_KEY, String.class);
        BackupBuckets.Bucket bucket = buckets.named(bucketName);
        if (!bucket.features().objectLock()) {
            return;
        }
        Instant until = initialRetainUntil(key, clock.instant());
        if (until != null) {
            bucket.extendRetention(key, until, mode);
        }
    }

    /** The retain-until date an object gets when stored, by its class; null for a key outside the service's classes. */
    public Instant initialRetainUntil(String key, Instant now) {
        String root = layout.tenantRoot();
        if (!key.startsWith(root)) {
            return null;
        }
        String rest = key.substring(root.length());
        if (rest.startsWith("binlog/")) {
            return now.plus(binlogs);
        }
        return rest.startsWith("database/") || rest.startsWith("documents/") ? now.plus(backups) : null;
    }

    /**
     * Extends, in every bucket with Object Lock, the objects under a folder and the given keys to {@code until};
     * returns how many objects got a later date.
     */
    public int extend(String folder, Collection<String> keys, Instant until) {
        int extended = 0;
        for (BackupBuckets.Bucket b : buckets.both()) {
            if (!b.features().objectLock()) {
                continue;
            }
            if (folder != null) {
                for (String key : b.keysUnder(folder)) {
                    extended += b.extendRetention(key, until, mode) ? 1 : 0;
                }
            }
            for (String key : keys) {
                extended += b.extendRetention(key, until, mode) ? 1 : 0;
            }
        }
        return extended;
    }

    /** Whether any backup bucket has Object Lock (nothing to extend otherwise). */
    public boolean anyLocked() {
        return buckets.both().stream().anyMatch(b -> b.features().objectLock());
    }
}
