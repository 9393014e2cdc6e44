package br.com.gorgen.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import br.com.gorgen.backup.testbed.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The ETag an S3-compatible server (S3Proxy, filesystem backend) answers uploads with is the one {@link S3Etag}
 * computes, for a single PUT and for a multipart upload in parts of the part size: what lets the store routes skip
 * reading document contents back.
 */
class S3EtagServerTest {
    private static final int PART = 5 << 20;
    private static S3Server s3;

    @BeforeAll
    static void start() {
        s3 = new S3Server("etags");
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private static String expected(byte[] data) {
        S3Etag etag = new S3Etag(PART);
        etag.update(data, 0, data.length);
        return etag.expected();
    }

    @Test
    void singlePutEtagIsTheComputedOne() {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        String reported = s3.client().putObject(b -> b.bucket("etags").key("one"), RequestBody.fromBytes(data)).eTag();
        assertThat(S3Etag.matches(expected(data), reported)).as("reported %s", reported).isTrue();
    }

    @Test
    void multipartEtagIsTheComputedOne() {
        byte[] data = new byte[2 * PART + 123_456];
        new Random(8).nextBytes(data);
        S3Client c = s3.client();
        String upload = c.createMultipartUpload(b -> b.bucket("etags").key("parts")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int i = 0, off = 0; off < data.length; i++, off += PART) {
            byte[] part = Arrays.copyOfRange(data, off, Math.min(data.length, off + PART));
            int number = i + 1;
            String etag = c.uploadPart(b -> b.bucket("etags").key("parts").uploadId(upload).partNumber(number),
                    RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        String reported = c.completeMultipartUpload(b -> b.bucket("etags").key("parts").uploadId(upload)
                .multipartUpload(m -> m.parts(parts))).eTag();
        assertThat(S3Etag.matches(expected(data), reported)).as("reported %s, expected %s", reported, expected(data))
                .isTrue();
    }
}
