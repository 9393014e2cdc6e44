package br.com.gorgen.backup.restore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.crypto.PgpDecryptor;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.support.Sha256;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Where a restore reads a backup from, and the one rule it reads by: <b>the stream that is loaded is the stream that
 * is verified</b>. A copy is a candidate when its manifest is present and agrees with the history; it is then read
 * once ({@link #readIntact}), its stored bytes and its plaintext hashed while they stream, and the reader gets an
 * end of stream only when both SHA-256 match what was recorded when it was stored. Any fault of the copy (unreadable,
 * corrupt, not decryptable, a hash that differs) undoes what the reader did and the next copy is tried (primary, then
 * secondary); each bad copy is reported for a CRITICAL alert. A failure that is not the copy's (the database client
 * refusing a statement) is not retried.
 */
public class ArtifactLocator implements Processor {
    /** A candidate copy: which bucket, and the manifest read from it. */
    public record Source(BackupBuckets.Bucket bucket, BackupRecord backup, BackupManifest manifest) {
    }

    /** Reads a copy's plaintext (gunzipped, decrypted) and does something with it. */
    @FunctionalInterface
    public interface CopyReader<T> {
        T read(Source source, InputStream plaintext) throws Exception;
    }

    /** Undoes what a reader did with a copy that turned out bad (drops a half-loaded database, deletes files). */
    @FunctionalInterface
    public interface Undo {
        void undo(Source source) throws Exception;
    }

    /** Exchange property: the candidate copies of the backup being restored (primary first). */
    public static final String PROP_CANDIDATES = "RestoreCandidates";

    private final BackupHistory history;
    private final BackupBuckets buckets;

    public ArtifactLocator(BackupHistory history, BackupBuckets buckets) {
        this.history = history;
        this.buckets = buckets;
    }

    /**
     * Before any database is touched: the backup must be a successful one with at least one copy whose manifest
     * agrees with the history. Sets the candidates, the manifest, and the problems of copies already left out.
     */
    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        long backupId = in.getHeader(RestoreHeaders.BACKUP_ID, Long.class);
        BackupRecord backup = history.findById(backupId)
                .orElseThrow(() -> new RestoreRefusedException("backup " + backupId + " does not exist"));
        if (!"success".equals(backup.status())) {
            throw new RestoreRefusedException("backup " + backupId + " is '" + backup.status() + "', not 'success'");
        }
        List<String> problems = new ArrayList<>();
        List<Source> candidates = candidates(backup, problems);
        exchange.setProperty(PROP_CANDIDATES, candidates);
        exchange.setProperty(RestoreHeaders.PROP_MANIFEST, candidates.get(0).manifest());
        exchange.setProperty(RestoreHeaders.PROP_SOURCE, candidates.get(0));
        if (problems.isEmpty()) {
            in.removeHeader(RestoreHeaders.BAD_COPY);
        } else {
            in.setHeader(RestoreHeaders.BAD_COPY, String.join("; ", problems));
        }
    }

    /**
     * The copies whose manifest is present and agrees with the history's checksum, primary first; what is wrong with
     * the others goes to {@code problems}. Throws when there is none.
     */
    public List<Source> candidates(BackupRecord backup, List<String> problems) throws RestoreRefusedException {
        List<Source> out = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        for (BackupBuckets.Bucket bucket : buckets.both()) {
            try {
                BackupManifest manifest = readManifest(bucket, backup);
                if (backup.checksumSha256() == null || manifest.artifact() == null
                        || !backup.checksumSha256().equalsIgnoreCase(manifest.artifact().sha256())) {
                    mine.add("manifest in " + bucket.name() + " does not match the history's checksum");
                } else {
                    out.add(new Source(bucket, backup, manifest));
                }
            } catch (Exception e) {
                mine.add("s3://" + bucket.name() + "/" + backup.manifestPath() + " cannot be read: "
                        + ErrorMessages.describe(e));
            }
        }
        problems.addAll(mine);
        if (out.isEmpty()) {
            throw new RestoreRefusedException("no intact copy of backup " + backup.id() + " (nothing was touched): "
                    + String.join("; ", mine));
        }
        return out;
    }

    /**
     * Reads the backup's plaintext once from the first intact candidate (see the class). Returns what the reader
     * returned and the copy it read; the problems of the copies that failed go to {@code problems}.
     */
    public <T> Read<T> readIntact(List<Source> candidates, PgpDecryptor decryptor, List<String> problems,
            CopyReader<T> reader, Undo undo) throws Exception {
        List<String> mine = new ArrayList<>();
        for (Source source : candidates) {
            BackupRecord backup = source.backup();
            String where = "s3://" + source.bucket().name() + "/" + backup.filePath();
            VerifiedCopy copy = null;
            try {
                copy = open(source, decryptor);
                T result = reader.read(source, copy);
                copy.requireComplete();
                problems.addAll(mine);
                return new Read<>(source, result);
            } catch (PgpDecryptor.KeyException e) {
                undo.undo(source);
                throw new RestoreFailedException("the private key cannot decrypt backup " + backup.id() + ": "
                        + e.getMessage(), e);
            } catch (Exception e) {
                Throwable fault = copy == null ? e : copy.fault();
                if (copy != null && fault == null) {
                    // the reader failed first (the client choked on what a corrupt copy decrypted to, before its end
                    // could tell): the rest of the copy decides whose fault it is
                    try {
                        copy.requireComplete();
                    } catch (Exception ignored) {
                        fault = copy.fault() != null ? copy.fault() : ignored;
                    }
                }
                if (fault == null) {
                    throw e; // an intact copy: the reader's own failure
                }
                mine.add(where + " is unusable: " + ErrorMessages.describe(fault));
                undo.undo(source);
            } finally {
                if (copy != null) {
                    copy.closeQuietly();
                }
            }
        }
        problems.addAll(mine);
        throw new RestoreRefusedException("no intact copy of backup " + candidates.get(0).backup().id()
                + " (nothing was touched: what was read from them was undone): " + String.join("; ", mine));
    }

    /** What {@link #readIntact} read, and from which copy. */
    public record Read<T>(Source source, T result) {
    }

    private static VerifiedCopy open(Source source, PgpDecryptor decryptor) throws IOException {
        BackupRecord b = source.backup();
        InputStream object = source.bucket().client().getObject(GetObjectRequest.builder()
                .bucket(source.bucket().name()).key(b.filePath()).build());
        MessageDigest stored = Sha256.newDigest();
        DigestInputStream raw = new DigestInputStream(object, stored);
        try {
            InputStream plain = new GZIPInputStream(decryptor.decryptingStream(raw), 1 << 16);
            return new VerifiedCopy(plain, raw, stored, b.checksumSha256(), b.plaintextSha256());
        } catch (PgpDecryptor.KeyException e) {
            raw.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw new CorruptCopyException("cannot start decrypting it: " + ErrorMessages.describe(e), e);
        }
    }

    /** A copy that is not what was stored. */
    public static class CorruptCopyException extends IOException {
        public CorruptCopyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The plaintext of one copy, hashed as it streams: its end is reported only once the stored bytes (drained to
     * their end) and the plaintext hash to the recorded SHA-256; any fault while reading is remembered, so that the
     * caller can tell a bad copy from a failure of its own.
     */
    static final class VerifiedCopy extends FilterInputStream {
        private final InputStream raw;
        private final MessageDigest stored;
        private final MessageDigest plain = Sha256.newDigest();
        private final String expectedStored;
        private final String expectedPlain;
        private volatile Throwable fault;
        private boolean verified;

        VerifiedCopy(InputStream plaintext, InputStream raw, MessageDigest stored, String expectedStored,
                String expectedPlain) {
            super(plaintext);
            this.raw = raw;
            this.stored = stored;
            this.expectedStored = expectedStored;
            this.expectedPlain = expectedPlain;
        }

        Throwable fault() {
            return fault;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (verified) {
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                fault = e;
                throw e;
            }
            if (n > 0) {
                plain.update(b, off, n);
                return n;
            }
            if (n < 0) {
                verify();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("a verified copy is read, not skipped");
        }

        /** After the reader returned: a reader that stopped before the end has not seen a verified copy. */
        void requireComplete() throws IOException {
            if (!verified) {
                byte[] buffer = new byte[1 << 16];
                while (read(buffer, 0, buffer.length) >= 0) {
                    // the rest counts in both digests
                }
            }
        }

        private void verify() throws IOException {
            try {
                raw.transferTo(OutputStream.nullOutputStream()); // what follows the encrypted data counts too
            } catch (IOException | RuntimeException e) {
                fault = e;
                throw e;
            }
            String storedSha = Sha256.hex(stored);
            if (expectedStored != null && !expectedStored.equalsIgnoreCase(storedSha)) {
                fault = new CorruptCopyException("corrupt (SHA-256 " + storedSha + ", expected " + expectedStored + ")",
                        null);
                throw (IOException) fault;
            }
            String plainSha = Sha256.hex(plain);
            if (expectedPlain != null && !expectedPlain.equalsIgnoreCase(plainSha)) {
                fault = new CorruptCopyException("decrypts to content whose SHA-256 differs from the one recorded when it "
                        + "was stored", null);
                throw (IOException) fault;
            }
            verified = true;
        }

        void closeQuietly() {
            try {
                close();
            } catch (IOException ignored) {
                // the copy is done with
            }
        }
    }

    static BackupManifest readManifest(BackupBuckets.Bucket bucket, BackupRecord backup) throws Exception {
        try (InputStream in = bucket.client().getObject(GetObjectRequest.builder().bucket(bucket.name())
                .key(backup.manifestPath()).build())) {
            return Json.mapper().readValue(in, BackupManifest.class);
        }
    }
}
