package br.com.gorgen.backup.storage;

import java.time.Instant;

/** An object is under S3 Object Lock until a later date: nothing of it was (or may be) deleted before then. */
public class ObjectLockedException extends RuntimeException {
    private final String bucket;
    private final Instant until;

    public ObjectLockedException(String bucket, String key, Instant until) {
        super(key + " in bucket " + bucket + " is locked by S3 Object Lock until " + until);
        this.bucket = bucket;
        this.until = until;
    }

    public String bucket() {
        return bucket;
    }

    public Instant until() {
        return until;
    }
}
