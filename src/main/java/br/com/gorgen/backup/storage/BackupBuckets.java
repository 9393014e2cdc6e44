package br.com.gorgen.backup.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import br.com.gorgen.backup.settings.S3Target;
import software.amazon.awssdk.services.s3.S3Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The primary and secondary buckets with their clients, for the few operations routes do not express. */
public class BackupBuckets {
    private static final Logger LOG = LoggerFactory.getLogger(BackupBuckets.class);
    /**
     * One bucket and its client. What the bucket does beyond plain objects (Object Lock, versioning) is asked of it
     * once, when first needed ({@link #features()}).
     */
    public record Bucket(S3Target target, S3Client client, AtomicReference<BucketFeatures> known) {
        public Bucket(S3Target target, S3Client client) {
            this(target, client, new AtomicReference<>());
        }

        public String name() {
            return target.bucket();
        }

        /** Object Lock and versioning, asked of the bucket the first time (again after a failed attempt). */
        public BucketFeatures features() {
            BucketFeatures f = known.get();
            if (f == null) {
                f = BucketFeatures.detect(client, name());
                known.set(f);
                if (f.objectLock() || f.versioned()) {
                    LOG.info("Bucket {}: Object Lock {}, versioning {}", name(), f.objectLock() ? "on" : "off",
                            f.versioned() ? "on" : "off");
                }
            }
            return f;
        }

        /** A small JSON object of this bucket (a manifest), parsed. */
        public com.fasterxml.jackson.databind.JsonNode readJson(String key) {
            try (java.io.InputStream in = client.getObject(r -> r.bucket(name()).key(key))) {
                return br.com.gorgen.backup.support.Json.mapper().readTree(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + key + " from bucket " + name(), e);
            }
        }

        /** Keys under a prefix (all pages). */
        public List<String> keysUnder(String prefix) {
            return new ArrayList<>(sizesUnder(prefix).keySet());
        }

        /** Every key under a prefix (all pages) with its size, in key order. */
        public SortedMap<String, Long> sizesUnder(String prefix) {
            SortedMap<String, Long> out = new TreeMap<>();
            client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(name()).prefix(prefix).build())
                    .contents().forEach(o -> out.put(o.key(), o.size()));
            return out;
        }

        /**
         * Deletes every object under the prefix; returns how many were deleted. In a versioned bucket every version
         * and delete marker goes too, on purpose: a delete that only hides the data behind a marker deletes nothing.
         */
        public int deleteUnder(String prefix) {
            if (features().versioned()) {
                return deleteVersions(prefix, k -> true);
            }
            int deleted = 0;
            String token = null;
            do {
                ListObjectsV2Response page = client.listObjectsV2(ListObjectsV2Request.builder().bucket(name())
                        .prefix(prefix).continuationToken(token).build());
                // one call per key: multi-object delete needs Content-MD5, which S3-compatible stores handle unevenly
                for (S3Object o : page.contents()) {
                    client.deleteObject(DeleteObjectRequest.builder().bucket(name()).key(o.key()).build());
                    deleted++;
                }
                token = page.isTruncated() ? page.nextContinuationToken() : null;
            } while (token != null);
            return deleted;
        }

        /** Deletes one object (every version of it in a versioned bucket). */
        public void deleteKey(String key) {
            if (features().versioned()) {
                deleteVersions(key, key::equals);
            } else {
                client.deleteObject(DeleteObjectRequest.builder().bucket(name()).key(key).build());
            }
        }

        private int deleteVersions(String prefix, Predicate<String> keys) {
            int deleted = 0;
            for (ObjectVersionRef v : versionsUnder(prefix, keys)) {
                client.deleteObject(DeleteObjectRequest.builder().bucket(name()).key(v.key()).versionId(v.versionId())
                        .build());
                deleted++;
            }
            return deleted;
        }

        /** Every version and delete marker of the keys under a prefix that the predicate accepts. */
        private List<ObjectVersionRef> versionsUnder(String prefix, Predicate<String> keys) {
            List<ObjectVersionRef> out = new ArrayList<>();
            for (ListObjectVersionsResponse page : client.listObjectVersionsPaginator(ListObjectVersionsRequest.builder()
                    .bucket(name()).prefix(prefix).build())) {
                page.versions().stream().filter(v -> keys.test(v.key()))
                        .forEach(v -> out.add(new ObjectVersionRef(v.key(), v.versionId(), false)));
                page.deleteMarkers().stream().filter(m -> keys.test(m.key()))
                        .forEach(m -> out.add(new ObjectVersionRef(m.key(), m.versionId(), true)));
            }
            return out;
        }

        /**
         * With Object Lock: the latest retain-until date, after {@code now}, of any version under the prefix (of the
         * key itself when {@code exact}); null when nothing there is locked (or the bucket has no Object Lock).
         */
        public Instant lockedUntil(String prefix, boolean exact, Instant now) {
            if (!features().objectLock()) {
                return null;
            }
            Instant latest = null;
            for (ObjectVersionRef v : versionsUnder(prefix, exact ? prefix::equals : k -> true)) {
                if (v.deleteMarker()) {
                    continue;
                }
                Instant until = retainUntil(v.key(), v.versionId());
                if (until != null && until.isAfter(now) && (latest == null || until.isAfter(latest))) {
                    latest = until;
                }
            }
            return latest;
        }

        /** The retain-until date of one object version (the current one when versionId is null), or null. */
        public Instant retainUntil(String key, String versionId) {
            try {
                ObjectLockRetention r = client.getObjectRetention(b -> b.bucket(name()).key(key).versionId(versionId))
                        .retention();
                return r == null ? null : r.retainUntilDate();
            } catch (S3Exception e) {
                String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
                if (e.statusCode() == 404 && !"NoSuchKey".equals(code) && !"NoSuchVersion".equals(code)) {
                    return null; // no retention on this version (NoSuchObjectLockConfiguration and the like)
                }
                throw e;
            }
        }

        /**
         * Sets the object's retain-until date to {@code until} when that is later than what it has (Object Lock only
         * ever extends here); returns whether it changed anything.
         */
        public boolean extendRetention(String key, Instant until, ObjectLockRetentionMode mode) {
            Instant current = retainUntil(key, null);
            if (current != null && !until.isAfter(current)) {
                return false;
            }
            client.putObjectRetention(b -> b.bucket(name()).key(key)
                    .retention(ObjectLockRetention.builder().mode(mode).retainUntilDate(until).build()));
            return true;
        }
    }

    /** One version (or delete marker) of an object. */
    record ObjectVersionRef(String key, String versionId, boolean deleteMarker) {
    }

    private final Bucket primary;
    private final Bucket secondary;

    public BackupBuckets(Bucket primary, Bucket secondary) {
        this.primary = primary;
        this.secondary = secondary;
    }

    public Bucket primary() {
        return primary;
    }

    public Bucket secondary() {
        return secondary;
    }

    public List<Bucket> both() {
        return List.of(primary, secondary);
    }

    /** The backup bucket of that name (a store route names its bucket in a header). */
    public Bucket named(String name) {
        return both().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no backup bucket named " + name));
    }

    /** A JSON object (a manifest) from the primary bucket, else from the secondary; throws when neither has it. */
    public com.fasterxml.jackson.databind.JsonNode readJson(String key) {
        RuntimeException failure = null;
        for (Bucket b : both()) {
            try {
                return b.readJson(key);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        throw new IllegalStateException(key + " cannot be read from either bucket: "
                + br.com.gorgen.backup.support.ErrorMessages.describe(failure), failure);
    }
}
