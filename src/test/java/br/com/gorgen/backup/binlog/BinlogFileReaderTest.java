package br.com.gorgen.backup.binlog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Event headers of synthetic binary logs laid out as MariaDB writes them (v4 format). */
class BinlogFileReaderTest {
    private static byte[] event(long time, int type, long serverId, byte[] body, int flags, long position) {
        ByteBuffer b = ByteBuffer.allocate(19 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) time).put((byte) type).putInt((int) serverId).putInt(19 + body.length)
                .putInt((int) (position + 19 + body.length)).putShort((short) flags).put(body);
        return b.array();
    }

    private static byte[] gtidBody(long seq, int domain) {
        return ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN).putLong(seq).putInt(domain).put((byte) 0).array();
    }

    private static byte[] file(boolean inUse, boolean rotated) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(BinlogFileReader.MAGIC);
        long t = 1_800_000_000L;
        byte[][] events = {
            event(t, BinlogFileReader.FORMAT_DESCRIPTION_EVENT, 101, new byte[100], inUse ? 1 : 0, 4),
            event(t + 5, BinlogFileReader.MARIADB_GTID_EVENT, 101, gtidBody(31, 0), 0, 0),
            event(t + 5, 19, 101, new byte[30], 0, 0),
            event(t + 6, 16, 101, new byte[8], 0, 0),
            event(t + 9, BinlogFileReader.MARIADB_GTID_EVENT, 101, gtidBody(32, 0), 0, 0),
            event(t + 9, 16, 101, new byte[8], 0, 0),
        };
        for (byte[] e : events) {
            out.write(e);
        }
        if (rotated) {
            out.write(event(t + 12, BinlogFileReader.ROTATE_EVENT, 101, "\4\0\0\0\0\0\0\0binlog.000008".getBytes(), 0, 0));
        }
        return out.toByteArray();
    }

    @Test
    void readsTimesPositionsServerAndGtidRangeOfAClosedFile() throws IOException {
        byte[] bytes = file(false, true);
        BinlogFileSummary s = BinlogFileReader.read("binlog.000007", new ByteArrayInputStream(bytes));
        assertThat(s.closed()).isTrue();
        assertThat(s.sizeBytes()).isEqualTo(bytes.length);
        assertThat(s.endPosition()).isEqualTo(bytes.length);
        assertThat(s.startPosition()).isEqualTo(4);
        assertThat(s.serverId()).isEqualTo(101);
        assertThat(s.firstEventAt()).isEqualTo(Instant.ofEpochSecond(1_800_000_000L));
        assertThat(s.lastEventAt()).isEqualTo(Instant.ofEpochSecond(1_800_000_012L));
        assertThat(s.gtidRange()).isEqualTo("0-101-31..0-101-32");
        assertThat(s.transactions()).isEqualTo(2);
    }

    @Test
    void aFileStillInUseOrWithoutRotateIsNotClosed() throws IOException {
        assertThat(BinlogFileReader.read("b.1", new ByteArrayInputStream(file(true, true))).closed()).isFalse();
        assertThat(BinlogFileReader.read("b.1", new ByteArrayInputStream(file(false, false))).closed()).isFalse();
    }

    @Test
    void truncatedOrForeignFilesAreRefused() throws IOException {
        byte[] bytes = file(false, true);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 5);
        assertThatThrownBy(() -> BinlogFileReader.read("b.1", new ByteArrayInputStream(cut)))
                .hasMessageContaining("ends inside");
        assertThatThrownBy(() -> BinlogFileReader.read("b.1", new ByteArrayInputStream("-- SQL dump".getBytes())))
                .hasMessageContaining("not a binary log");
    }
}
