package br.com.gorgen.backup.storage;

import java.io.InputStream;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens an object of a bucket for reading, streamed. A missing object throws the SDK's {@code NoSuchKeyException};
 * other refusals an {@code S3Exception} with the HTTP status; network failures an {@code SdkClientException} (what
 * {@link TransientStorageFaults} retries).
 */
@FunctionalInterface
public interface ObjectReader {

    InputStream open(String bucket, String key);

    /** Through the S3 client's full request pipeline (endpoint rules, interceptors, retries). */
    static ObjectReader of(S3Client client) {
        return (bucket, key) -> client.getObject(b -> b.bucket(bucket).key(key));
    }
}
