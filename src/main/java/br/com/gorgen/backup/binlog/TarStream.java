package br.com.gorgen.backup.binlog;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A POSIX tar archive of local files as a stream, built lazily (headers, file contents, padding, end blocks) so that
 * nothing is copied or held in memory: {@code tar -x} reads it.
 */
public final class TarStream {
    private TarStream() {
    }

    public static InputStream of(List<Path> files) throws IOException {
        java.util.Map<String, Path> named = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            named.put(f.getFileName().toString(), f);
        }
        return of(named);
    }

    /** A tar of files under the given entry names (relative paths with '/'), in the map's order. */
    public static InputStream of(java.util.Map<String, Path> named) throws IOException {
        List<Path> copy = List.copyOf(named.values());
        List<String> names = List.copyOf(named.keySet());
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < copy.size(); i++) {
            Path f = copy.get(i);
            TarArchiveEntry entry = new TarArchiveEntry(names.get(i));
            long size = Files.size(f);
            entry.setSize(size);
            entry.setMode(0600);
            entry.setModTime(Files.getLastModifiedTime(f));
            byte[] header = new byte[TarConstants.DEFAULT_RCDSIZE];
            entry.writeEntryHeader(header);
            parts.add(new ByteArrayInputStream(header));
            parts.add(new LazyFile(f));
            int pad = (int) ((TarConstants.DEFAULT_RCDSIZE - size % TarConstants.DEFAULT_RCDSIZE) % TarConstants.DEFAULT_RCDSIZE);
            parts.add(new ByteArrayInputStream(new byte[pad]));
        }
        // two zero records end the archive; pad to the usual 10 KiB block
        long total = 0;
        for (Path f : copy) {
            total += TarConstants.DEFAULT_RCDSIZE + (Files.size(f) + TarConstants.DEFAULT_RCDSIZE - 1)
                    / TarConstants.DEFAULT_RCDSIZE * TarConstants.DEFAULT_RCDSIZE;
        }
        total += 2L * TarConstants.DEFAULT_RCDSIZE;
        long block = TarConstants.DEFAULT_BLKSIZE;
        int trailer = (int) (2 * TarConstants.DEFAULT_RCDSIZE + (block - total % block) % block);
        parts.add(new ByteArrayInputStream(new byte[trailer]));
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    /** Opens the file on first read, so that only one file is open at a time. */
    private static final class LazyFile extends InputStream {
        private final Path file;
        private InputStream in;

        LazyFile(Path file) {
            this.file = file;
        }

        private InputStream in() {
            if (in == null) {
                try {
                    in = Files.newInputStream(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
