package br.com.gorgen.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

class S3EtagTest {
    private static byte[] md5(byte[] b, int off, int len) throws Exception {
        MessageDigest d = MessageDigest.getInstance("MD5");
        d.update(b, off, len);
        return d.digest();
    }

    private static String etag(long partSize, byte[] data, int chunk) {
        S3Etag e = new S3Etag(partSize);
        for (int off = 0; off < data.length; off += chunk) {
            e.update(data, off, Math.min(chunk, data.length - off));
        }
        return e.expected();
    }

    @Test
    void singlePutIsTheMd5OfTheContent() throws Exception {
        byte[] data = new byte[999];
        new Random(1).nextBytes(data);
        assertThat(etag(1000, data, 7)).isEqualTo(HexFormat.of().formatHex(md5(data, 0, data.length)));
        assertThat(etag(1000, new byte[0], 1)).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    }

    @Test
    void multipartIsTheMd5OfThePartMd5sWithTheirCount() throws Exception {
        byte[] data = new byte[2500];
        new Random(2).nextBytes(data);
        MessageDigest all = MessageDigest.getInstance("MD5");
        all.update(md5(data, 0, 1000));
        all.update(md5(data, 1000, 1000));
        all.update(md5(data, 2000, 500));
        String expected = HexFormat.of().formatHex(all.digest()) + "-3";
        // chunk boundaries that straddle part boundaries give the same answer
        assertThat(etag(1000, data, 333)).isEqualTo(expected);
        assertThat(etag(1000, data, 2500)).isEqualTo(expected);
        assertThat(etag(1000, data, 1)).isEqualTo(expected);
    }

    @Test
    void exactlyOnePartSizeIsAOnePartMultipartUpload() throws Exception {
        byte[] data = new byte[1000];
        new Random(3).nextBytes(data);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(md5(data, 0, 1000))) + "-1";
        assertThat(etag(1000, data, 64)).isEqualTo(expected);
    }

    @Test
    void reportedEtagsAreComparedWithoutQuotesOrCase() {
        assertThat(S3Etag.matches("abc-2", "\"ABC-2\"")).isTrue();
        assertThat(S3Etag.matches("abc", "abd")).isFalse();
        assertThat(S3Etag.matches("abc", null)).isFalse();
        assertThat(S3Etag.matches(null, "abc")).isFalse();
    }
}
