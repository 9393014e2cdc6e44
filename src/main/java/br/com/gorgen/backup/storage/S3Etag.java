package br.com.gorgen.backup.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The ETag an S3 server reports for an object uploaded the way the store routes upload it, computed while the bytes
 * are written: the MD5 of the content for a single PUT (shorter than the part size), and for a multipart upload the
 * MD5 of the parts' MD5s followed by {@code -<number of parts>}. When the server answers the upload with this very
 * value, it received exactly the bytes that were sent, so the object need not be downloaded again to check it.
 *
 * <p>Servers that encrypt with their own keys (SSE-KMS) or answer other forms report something else: the caller then
 * falls back to reading the object back. A match is proof; a difference only means "check another way".
 */
public final class S3Etag {
    private final long partSize;
    private final MessageDigest part = md5();
    private final MessageDigest partsOfParts = md5();
    private long inPart;
    private long total;
    private int parts;

    /** @param partSize the upload's part size; objects of at least this size go up in parts of this size */
    public S3Etag(long partSize) {
        if (partSize <= 0) {
            throw new IllegalArgumentException("part size must be positive: " + partSize);
        }
        this.partSize = partSize;
    }

    public void update(byte[] b, int off, int len) {
        while (len > 0) {
            int n = (int) Math.min(len, partSize - inPart);
            part.update(b, off, n);
            inPart += n;
            total += n;
            off += n;
            len -= n;
            if (inPart == partSize) {
                closePart();
            }
        }
    }

    /** The ETag the server should report; call once, after the last byte. */
    public String expected() {
        if (total < partSize) {
            return HexFormat.of().formatHex(part.digest());
        }
        if (inPart > 0) {
            closePart();
        }
        return HexFormat.of().formatHex(partsOfParts.digest()) + "-" + parts;
    }

    private void closePart() {
        byte[] d = part.digest();
        partsOfParts.update(d);
        parts++;
        inPart = 0;
    }

    /**
     * The {@code Content-MD5} header (base64 of the MD5) for a single PUT whose expected ETag is {@code expected}, or
     * null when there is none to give (no ETag computed, or a multipart ETag, whose parts have their own MD5s).
     */
    public static String contentMd5(String expected) {
        if (expected == null || expected.length() != 32 || expected.indexOf('-') >= 0) {
            return null;
        }
        try {
            return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(expected));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True when {@code reported} (quotes allowed, any case) is {@code expected}. */
    public static boolean matches(String expected, String reported) {
        if (expected == null || reported == null) {
            return false;
        }
        String r = reported.strip();
        if (r.length() >= 2 && r.startsWith("\"") && r.endsWith("\"")) {
            r = r.substring(1, r.length() - 1);
        }
        return r.equalsIgnoreCase(expected);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this Java runtime", e);
        }
    }
}
