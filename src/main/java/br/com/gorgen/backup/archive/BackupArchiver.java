package br.com.gorgen.backup.archive;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

import br.com.gorgen.backup.crypto.PgpEncryptor;
import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Compresses, encrypts and checksums a stream in a single pass: plaintext -> SHA-256 -> gzip -> OpenPGP (AES-256) ->
 * SHA-256 -> local spool file. Memory use is a few buffers whatever the size. The spool file only ever holds
 * ciphertext; it is what the store routes upload (the S3 producer streams a file in parts with a known length,
 * and can re-read it on a retry).
 *
 * <p>As a Camel processor: the body is the plaintext stream; the artifact goes to the backup's work folder under
 * the object key's file name; exchange property {@link BackupHeaders#PROP_ARCHIVE} gets the {@link ArchiveResult}
 * and the store headers are set for the upload.
 */
public class BackupArchiver implements Processor {
    private final PgpEncryptor encryptor;
    private final int gzipLevel;

    public BackupArchiver(PgpEncryptor encryptor, int gzipLevel) {
        this.encryptor = encryptor;
        this.gzipLevel = gzipLevel;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String objectKey = in.getHeader(BackupHeaders.OBJECT_KEY, String.class);
        String fileName = objectKey.substring(objectKey.lastIndexOf('/') + 1);
        Path workDir = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class);
        String literalName = fileName.endsWith(".gpg") ? fileName.substring(0, fileName.length() - 4) : fileName;
        ArchiveResult result;
        try (InputStream source = in.getMandatoryBody(InputStream.class)) {
            result = archive(source, workDir.resolve(fileName), literalName);
        }
        exchange.setProperty(BackupHeaders.PROP_ARCHIVE, result);
        in.setBody(null);
        in.setHeader(BackupHeaders.STORE_FILE, result.file().toString());
        in.setHeader(BackupHeaders.STORE_KEY, objectKey);
        in.setHeader(BackupHeaders.STORE_SHA256, result.storedSha256());
        in.setHeader(BackupHeaders.STORE_CONTENT_TYPE, "application/pgp-encrypted");
    }

    /** Writes the encrypted, compressed form of {@code source} to {@code target} (which must not exist). */
    public ArchiveResult archive(InputStream source, Path target, String literalName) throws IOException {
        MessageDigest plainDigest = sha256();
        MessageDigest storedDigest = sha256();
        OutputStream file = new BufferedOutputStream(Files.newOutputStream(target, StandardOpenOption.CREATE_NEW), 1 << 16);
        DigestingCounter stored = new DigestingCounter(file, storedDigest);
        long plainBytes = 0;
        try {
            OutputStream gzip = new LeveledGzip(encryptor.encryptingStream(stored, literalName), gzipLevel);
            byte[] buf = new byte[1 << 16];
            for (int n; (n = source.read(buf)) > 0;) {
                plainDigest.update(buf, 0, n);
                plainBytes += n;
                gzip.write(buf, 0, n);
            }
            gzip.close(); // finishes gzip, then the OpenPGP packets, then the file
        } catch (IOException | RuntimeException e) {
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            Files.deleteIfExists(target);
            throw e;
        }
        HexFormat hex = HexFormat.of();
        return new ArchiveResult(target, plainBytes, hex.formatHex(plainDigest.digest()), stored.count,
                hex.formatHex(storedDigest.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** gzip with a chosen compression level (java.util.zip's default constructor has none). */
    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }

    /** Hashes and counts the bytes on their way to the file. */
    private static final class DigestingCounter extends FilterOutputStream {
        private final MessageDigest digest;
        private long count;

        DigestingCounter(OutputStream out, MessageDigest digest) {
            super(out);
            this.digest = digest;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
        }
    }
}
