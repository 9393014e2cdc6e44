package br.com.gorgen.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import br.com.gorgen.backup.settings.S3Target;
import br.com.gorgen.backup.testbed.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

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

    /**
     * The service's own client signs uploads over plain HTTP with an unsigned body (see PlainHttpPayloadSigner): the
     * server accepts the signature, stores the exact bytes, and refuses a body that does not match its Content-MD5.
     */
    @Test
    void uploadsWithAnUnsignedBodyAreCheckedByTheirContentMd5() {
        byte[] data = new byte[300_000];
        new Random(9).nextBytes(data);
        String md5 = S3Etag.contentMd5(expected(data));
        try (S3Client c = S3ClientFactory.create(new S3Target("primary", s3.endpoint(), "us-east-1", S3Server.ACCESS_KEY,
                S3Server.SECRET_KEY, "etags"), true, "when_required")) {
            String reported = c.putObject(b -> b.bucket("etags").key("unsigned").contentMD5(md5),
                    RequestBody.fromBytes(data)).eTag();
            assertThat(S3Etag.matches(expected(data), reported)).isTrue();
            assertThat(c.getObjectAsBytes(b -> b.bucket("etags").key("unsigned")).asByteArray()).isEqualTo(data);

            byte[] damaged = data.clone();
            damaged[1234] ^= 1;
            assertThatThrownBy(() -> c.putObject(b -> b.bucket("etags").key("damaged").contentMD5(md5),
                    RequestBody.fromBytes(damaged)))
                    .isInstanceOfSatisfying(S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest"));
            assertThat(s3.keys("etags", "damaged")).isEmpty();
        }
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
