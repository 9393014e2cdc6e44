package br.com.gorgen.backup.binlog;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Reads the event headers of a binary-log file (format v4, MySQL and MariaDB) without interpreting row data. The
 * file is streamed: memory use does not depend on its size.
 */
public final class BinlogFileReader {
    static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
    static final int HEADER = 19;
    static final int STOP_EVENT = 3;
    static final int ROTATE_EVENT = 4;
    static final int FORMAT_DESCRIPTION_EVENT = 15;
    static final int MARIADB_GTID_EVENT = 162;
    static final int IN_USE_FLAG = 0x1;

    private BinlogFileReader() {
    }

    public static BinlogFileSummary read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.getFileName().toString(), in);
        }
    }

    public static BinlogFileSummary read(String fileName, InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        byte[] magic = new byte[4];
        try {
            in.readFully(magic);
        } catch (EOFException e) {
            throw new IOException(fileName + " is not a binary log (shorter than its magic number)");
        }
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(fileName + " is not a binary log (bad magic number)");
        }
        long position = 4;
        long first = 0;
        long last = 0;
        long serverId = -1;
        String gtidFirst = null;
        String gtidLast = null;
        long transactions = 0;
        int lastType = -1;
        boolean inUse = false;
        byte[] header = new byte[HEADER];
        while (true) {
            int n = in.readNBytes(header, 0, HEADER);
            if (n == 0) {
                break;
            }
            if (n < HEADER) {
                throw new IOException(fileName + " ends inside an event header at position " + position);
            }
            long timestamp = u32(header, 0);
            int type = header[4] & 0xff;
            long eventServerId = u32(header, 5);
            long length = u32(header, 9);
            int flags = (header[17] & 0xff) | (header[18] & 0xff) << 8;
            if (length < HEADER) {
                throw new IOException(fileName + " has a malformed event at position " + position);
            }
            long bodyLength = length - HEADER;
            if (type == FORMAT_DESCRIPTION_EVENT) {
                inUse = (flags & IN_USE_FLAG) != 0;
                serverId = eventServerId;
            }
            if (type == MARIADB_GTID_EVENT && bodyLength >= 12) {
                byte[] body = in.readNBytes(12);
                if (body.length < 12) {
                    throw new IOException(fileName + " ends inside an event at position " + position);
                }
                long seq = u32(body, 0) | u32(body, 4) << 32;
                long domain = u32(body, 8);
                String gtid = domain + "-" + eventServerId + "-" + Long.toUnsignedString(seq);
                if (gtidFirst == null) {
                    gtidFirst = gtid;
                }
                gtidLast = gtid;
                transactions++;
                skip(in, bodyLength - 12, fileName, position);
            } else {
                skip(in, bodyLength, fileName, position);
            }
            if (timestamp != 0) {
                first = first == 0 ? timestamp : Math.min(first, timestamp);
                last = Math.max(last, timestamp);
            }
            lastType = type;
            position += length;
        }
        boolean closed = !inUse && (lastType == ROTATE_EVENT || lastType == STOP_EVENT);
        return new BinlogFileSummary(fileName, position, first == 0 ? null : Instant.ofEpochSecond(first),
                last == 0 ? null : Instant.ofEpochSecond(last), 4, position, serverId, gtidFirst, gtidLast, transactions,
                closed);
    }

    private static void skip(DataInputStream in, long n, String fileName, long position) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException(fileName + " ends inside the event at position " + position);
                }
                s = 1;
            }
            left -= s;
        }
    }

    private static long u32(byte[] b, int off) {
        return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
    }
}
