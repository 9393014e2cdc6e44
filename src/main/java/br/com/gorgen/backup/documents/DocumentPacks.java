package br.com.gorgen.backup.documents;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.archive.BackupArchiver;
import br.com.gorgen.backup.archive.Compressibility;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The packs of one documents backup: small contents are gathered into tar archives of about {@code packSize} bytes,
 * each entry named {@code <first two hex digits>/<sha256>} and holding the document's bytes, the whole archive
 * gzip + OpenPGP like every artifact ({@code gpg --decrypt pack.tar.gz.gpg | tar -xz} gives the contents back). As
 * restic and borg do, this turns ten thousand small uploads into a few dozen large ones, in both buckets.
 *
 * <p>Thread-safe: the parallel readers of a run share the packs; each open pack is written by one thread at a time,
 * so there are at most as many open packs as readers. A pack is named by the SHA-256 of its tar once sealed.
 */
final class DocumentPacks {
    /** A content inside a pack. */
    record Member(String sha256, long size) {
    }

    /** A finished pack, ready to be stored under {@code objectKey}. */
    record Sealed(ArchiveResult archive, List<Member> members, String objectKey) {
    }

    private final BackupArchiver archiver;
    private final Path workDir;
    private final long packSize;
    private final Function<String, String> keyOfPack;
    private final ConcurrentLinkedQueue<Open> idle = new ConcurrentLinkedQueue<>();

    /** @param keyOfPack the object key of a pack, from the SHA-256 of its tar */
    DocumentPacks(BackupArchiver archiver, Path workDir, long packSize, Function<String, String> keyOfPack) {
        this.archiver = archiver;
        this.workDir = workDir;
        this.packSize = packSize;
        this.keyOfPack = keyOfPack;
    }

    /** Adds one content; returns the pack it filled (to store now), or null while that pack has room. */
    Sealed add(String sha256, byte[] data, int length) throws IOException {
        Open pack = idle.poll();
        if (pack == null) {
            pack = new Open();
        }
        try {
            pack.add(sha256, data, length);
        } catch (IOException | RuntimeException e) {
            pack.abandon(e);
            throw e;
        }
        if (pack.sink.plainBytes() >= packSize) {
            return pack.seal();
        }
        idle.add(pack);
        return null;
    }

    /** Seals every pack still open (after the last content). */
    List<Sealed> sealAll() throws IOException {
        List<Sealed> out = new ArrayList<>();
        for (Open pack; (pack = idle.poll()) != null;) {
            out.add(pack.seal());
        }
        return out;
    }

    private final class Open {
        final BackupArchiver.Sink sink;
        final TarArchiveOutputStream tar;
        final List<Member> members = new ArrayList<>();

        Open() throws IOException {
            sink = archiver.open(workDir.resolve("pack-" + UUID.randomUUID() + ".tar.gz.gpg"), "pack.tar.gz");
            tar = new TarArchiveOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    sink.write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    sink.write(b, off, len);
                }
            });
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        void add(String sha256, byte[] data, int length) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(sha256.substring(0, 2) + "/" + sha256);
            entry.setSize(length);
            entry.setMode(0600);
            entry.setModTime(FileTime.from(Instant.now()));
            tar.putArchiveEntry(entry);
            // judged slice by slice, as BackupArchiver.archiveInline does: text and images take turns in a document
            for (int off = 0; off < length; off += BackupArchiver.PROBE_EVERY) {
                int n = Math.min(BackupArchiver.PROBE_EVERY, length - off);
                sink.compress(!Compressibility.looksIncompressible(data, off, n));
                tar.write(data, off, n);
            }
            tar.closeArchiveEntry();
            members.add(new Member(sha256, length));
        }

        Sealed seal() throws IOException {
            try {
                tar.finish();
                ArchiveResult a = sink.finish();
                return new Sealed(a, List.copyOf(members), keyOfPack.apply(a.plainSha256()));
            } catch (IOException | RuntimeException e) {
                abandon(e);
                throw e;
            }
        }

        /** Removes the pack's file (a failed run's work folder is removed anyway). */
        void abandon(Exception e) {
            try {
                sink.abandon(e);
            } catch (IOException | RuntimeException ignored) {
                // the caller reports the original failure
            }
        }
    }

    static boolean isPack(String objectKey) {
        return objectKey.endsWith(".tar.gz.gpg");
    }
}
