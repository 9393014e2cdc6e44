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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import br.com.gorgen.backup.crypto.PgpEncryptor;
import br.com.gorgen.backup.storage.S3Etag;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.Sha256;
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
    /**
     * How often {@link #archiveInline} judges again whether the data compresses: every read buffer. A PDF's text
     * layer and its images take turns within a MiB, and deflating an image's bytes costs zlib more than deflating
     * text (it looks for matches it does not find), for nothing; the judge costs microseconds.
     */
    public static final int PROBE_EVERY = 1 << 16;

    private final PgpEncryptor encryptor;
    private final int gzipLevel;
    private final long etagPartSize;

    /**
     * @param etagPartSize the store routes' multipart part size, to compute the ETag the server will report for each
     *     artifact (see {@link S3Etag}); 0 for artifacts that are always read back, which then need no MD5 pass
     */
    public BackupArchiver(PgpEncryptor encryptor, int gzipLevel, long etagPartSize) {
        this.encryptor = encryptor;
        this.gzipLevel = gzipLevel;
        this.etagPartSize = etagPartSize;
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
        in.setHeader(BackupHeaders.STORE_ETAG, result.expectedEtag());
        in.setHeader(BackupHeaders.STORE_CONTENT_TYPE, "application/pgp-encrypted");
    }

    /**
     * Writes the encrypted, compressed form of {@code source} to {@code target} (which must not exist).
     *
     * <p>Two threads share the work so that both cores are used, as a shell pipeline would: the calling thread reads
     * the source (for a dump, that also counts rows) and hashes the plaintext; a writer thread compresses, encrypts,
     * hashes and writes. They exchange a small fixed set of buffers, so memory stays constant. A failure on either
     * side stops both and removes the partial file.
     */
    public ArchiveResult archive(InputStream source, Path target, String literalName) throws IOException {
        Sink sink = new Sink(target, literalName);
        MessageDigest plainDigest = Sha256.newDigest();
        long plainBytes = 0;
        Handoff handoff = new Handoff();
        Thread writer = null;
        try {
            writer = new Thread(() -> handoff.drainInto(sink.plain), "backup-archiver-" + target.getFileName());
            writer.setDaemon(true);
            writer.start();
            byte[] buf = handoff.freeBuffer();
            for (int n; (n = source.read(buf)) > 0;) {
                plainDigest.update(buf, 0, n);
                plainBytes += n;
                handoff.pass(buf, n);
                buf = handoff.freeBuffer();
            }
            handoff.finish();
            writer.join();
            handoff.rethrowWriterFailure();
        } catch (IOException | RuntimeException | InterruptedException e) {
            handoff.abort();
            if (writer != null) {
                try {
                    writer.join(30_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            throw sink.abandon(e);
        }
        return sink.result(plainBytes, plainDigest);
    }

    /**
     * Same format as {@link #archive}, all in the calling thread with one small buffer: for callers that already run
     * many archives side by side (the documents backup's parallel split), where a second thread per object only adds
     * thread starts and buffers. Content that does not compress (judged on a sample of every 64 KiB read, see
     * {@link Compressibility}: a PDF's text layer compresses, its images do not) is kept in gzip's stored blocks
     * instead of being deflated for nothing.
     */
    public ArchiveResult archiveInline(InputStream source, Path target, String literalName) throws IOException {
        Sink sink = new Sink(target, literalName);
        try {
            byte[] buf = new byte[PROBE_EVERY];
            for (int n; (n = source.readNBytes(buf, 0, buf.length)) > 0;) {
                sink.compress(!Compressibility.looksIncompressible(buf, 0, n));
                sink.write(buf, 0, n);
            }
            return sink.finish();
        } catch (IOException | RuntimeException e) {
            throw sink.abandon(e);
        }
    }

    /**
     * Opens an archive to write into piece by piece (the documents backup's packs): everything written goes through
     * the same chain as {@link #archive}; {@link Sink#finish()} completes it, {@link Sink#abandon} removes it.
     */
    public Sink open(Path target, String literalName) throws IOException {
        return new Sink(target, literalName);
    }

    /**
     * The writing end: plaintext in -> gzip -> OpenPGP -> (SHA-256, expected S3 ETag, count) -> the target file.
     * {@link #write} also hashes and counts the plaintext; {@link #archive} hashes it in its reading thread and
     * writes into {@link #plain} directly. Not thread-safe: one writer at a time.
     */
    public final class Sink {
        private final Path target;
        private final OutputStream file;
        private final DigestingCounter stored;
        private final LeveledGzip plain;
        private final MessageDigest plainDigest = Sha256.newDigest();
        private long plainBytes;

        Sink(Path target, String literalName) throws IOException {
            this.target = target;
            this.file = new BufferedOutputStream(Files.newOutputStream(target, StandardOpenOption.CREATE_NEW), 1 << 16);
            this.stored = new DigestingCounter(file, Sha256.newDigest(),
                    etagPartSize > 0 ? new S3Etag(etagPartSize) : null);
            OutputStream encrypting;
            try {
                encrypting = encryptor.encryptingStream(stored, literalName);
            } catch (IOException | RuntimeException e) {
                throw abandon(e);
            }
            this.plain = new LeveledGzip(encrypting, gzipLevel);
        }

        public void write(byte[] b, int off, int len) throws IOException {
            plainDigest.update(b, off, len);
            plainBytes += len;
            plain.write(b, off, len);
        }

        /**
         * Whether what is written next is deflated (at the archiver's level) or kept in gzip's stored blocks, for
         * data that is compressed already. Switching mid-stream ends the current deflate block; it stays one gzip.
         */
        public void compress(boolean compress) {
            plain.level(compress ? gzipLevel : Deflater.NO_COMPRESSION);
        }

        public long plainBytes() {
            return plainBytes;
        }

        /** Ends every format and closes the file. */
        public ArchiveResult finish() throws IOException {
            plain.close();
            return result(plainBytes, plainDigest);
        }

        ArchiveResult result(long plainBytes, MessageDigest plainDigest) {
            return new ArchiveResult(target, plainBytes, Sha256.hex(plainDigest), stored.count, Sha256.hex(stored.digest),
                    stored.etag == null ? null : stored.etag.expected());
        }

        /** Closes and deletes the partial file; returns what to throw (a RuntimeException is thrown as it is). */
        public IOException abandon(Exception e) throws IOException {
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            Files.deleteIfExists(target);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return new IOException("archiving interrupted", e);
            }
            if (e instanceof IOException io) {
                return io;
            }
            throw (RuntimeException) e;
        }
    }

    /** The buffers passed from the reading thread to the writer thread, and how either side stops the other. */
    private static final class Handoff {
        private static final int BUFFERS = 8;
        private static final int SIZE = 1 << 17;
        private static final Chunk END = new Chunk(null, 0);
        private static final Chunk ABORT = new Chunk(null, -1);

        private record Chunk(byte[] buf, int len) {
        }

        private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 2);
        private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
        private volatile Throwable writerFailure;

        Handoff() {
            for (int i = 0; i < BUFFERS; i++) {
                free.add(new byte[SIZE]);
            }
        }

        byte[] freeBuffer() throws IOException, InterruptedException {
            while (true) {
                rethrowWriterFailure();
                byte[] b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
            }
        }

        void pass(byte[] buf, int len) throws InterruptedException {
            full.put(new Chunk(buf, len));
        }

        void finish() throws InterruptedException {
            full.put(END);
        }

        void abort() {
            full.offer(ABORT);
        }

        void rethrowWriterFailure() throws IOException {
            Throwable t = writerFailure;
            if (t instanceof IOException io) {
                throw io;
            }
            if (t != null) {
                throw new IOException("compressing or encrypting the backup failed: " + t.getMessage(), t);
            }
        }

        /** Writer thread: compresses and encrypts every chunk; closes the chain at the end (finishing all formats). */
        void drainInto(OutputStream gzip) {
            try {
                while (true) {
                    Chunk c = full.take();
                    if (c == END) {
                        gzip.close();
                        return;
                    }
                    if (c == ABORT) {
                        return;
                    }
                    gzip.write(c.buf(), 0, c.len());
                    free.put(c.buf());
                }
            } catch (Throwable t) {
                writerFailure = t;
            }
        }
    }

    /** gzip with a chosen compression level (java.util.zip's default constructor has none). */
    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }

        /** Changes the level; before the first write it applies to the whole stream. */
        void level(int level) {
            def.setLevel(level);
        }
    }

    /** Hashes and counts the bytes on their way to the file. */
    private static final class DigestingCounter extends FilterOutputStream {
        private final MessageDigest digest;
        private final S3Etag etag;
        private long count;

        DigestingCounter(OutputStream out, MessageDigest digest, S3Etag etag) {
            super(out);
            this.digest = digest;
            this.etag = etag;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            if (etag != null) {
                etag.update(b, off, len);
            }
            count += len;
        }
    }
}
