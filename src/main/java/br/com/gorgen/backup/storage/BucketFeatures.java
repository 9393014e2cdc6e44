package br.com.gorgen.backup.storage;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What a bucket does beyond plain objects: S3 Object Lock (objects get a retain-until date; a locked version cannot be
 * deleted before it) and versioning (a delete without a version id only hides the object behind a delete marker).
 * Asked of the bucket itself; a server that does not implement the question (S3Proxy: 501) has neither.
 */
public record BucketFeatures(boolean objectLock, boolean versioned) {
    public static final BucketFeatures NONE = new BucketFeatures(false, false);

    /** Asks the bucket; throws only when the bucket cannot be reached (not when a feature is absent or unknown). */
    public static BucketFeatures detect(S3Client client, String bucket) {
        boolean versioned;
        try {
            GetBucketVersioningResponse v = client.getBucketVersioning(b -> b.bucket(bucket));
            // suspended versioning keeps the versions written while it was enabled
            versioned = v.status() == BucketVersioningStatus.ENABLED || v.status() == BucketVersioningStatus.SUSPENDED;
        } catch (S3Exception e) {
            if (!absent(e)) {
                throw e;
            }
            versioned = false;
        }
        boolean lock;
        try {
            ObjectLockConfiguration c = client.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
            lock = c != null && c.objectLockEnabled() == ObjectLockEnabled.ENABLED;
        } catch (S3Exception e) {
            if (!absent(e)) {
                throw e;
            }
            lock = false;
        }
        return new BucketFeatures(lock, versioned || lock);
    }

    /**
     * Whether an answer means the feature is not there: "not configured" (AWS 404
     * ObjectLockConfigurationNotFoundError, S3Mock 400), "not implemented" (S3Proxy 501), or a refusal to say (403:
     * without the permission to ask, the service cannot use the feature either). Only a missing bucket is an error.
     */
    private static boolean absent(S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (e.statusCode() == 403) {
            org.slf4j.LoggerFactory.getLogger(BucketFeatures.class).warn("Not allowed to ask a bucket about Object Lock "
                    + "or versioning ({}): taken as absent", code);
        }
        return !"NoSuchBucket".equals(code);
    }
}
