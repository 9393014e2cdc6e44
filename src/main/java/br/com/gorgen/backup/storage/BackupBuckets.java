package br.com.gorgen.backup.storage;

import java.util.List;

import br.com.gorgen.backup.settings.S3Target;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The primary and secondary buckets with their clients, for the few operations routes do not express. */
public class BackupBuckets {
    public record Bucket(S3Target target, S3Client client) {
        public String name() {
            return target.bucket();
        }

        /** Keys under a prefix (all pages). */
        public java.util.List<String> keysUnder(String prefix) {
            return new java.util.ArrayList<>(sizesUnder(prefix).keySet());
        }

        /** Every key under a prefix (all pages) with its size, in key order. */
        public java.util.SortedMap<String, Long> sizesUnder(String prefix) {
            java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
            client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(name()).prefix(prefix).build())
                    .contents().forEach(o -> out.put(o.key(), o.size()));
            return out;
        }

        /** Deletes every object under the prefix; returns how many were deleted. */
        public int deleteUnder(String prefix) {
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
}
