package br.com.gorgen.backup.support;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex: of bytes, or of a stream read to its end in constant memory. */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String of(byte[] data) {
        MessageDigest d = newDigest();
        d.update(data);
        return hex(d);
    }

    /** Reads the stream to its end (without closing it). */
    public static String of(InputStream in) throws IOException {
        MessageDigest d = newDigest();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0;) {
            d.update(buf, 0, n);
        }
        return hex(d);
    }

    public static String of(java.nio.file.Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return of(in);
        }
    }
}
