package br.com.gorgen.backup.crypto;

import java.io.InputStream;

/**
 * Deterministic pseudo-random bytes of a fixed length, produced on the fly (no backing array),
 * so tests can stream large inputs with constant memory.
 */
final class GeneratedInputStream extends InputStream {

    private final long length;
    private long position;
    private long state;

    GeneratedInputStream(long length, long seed) {
        this.length = length;
        this.state = seed | 1;
    }

    @Override
    public int read() {
        if (position >= length) {
            return -1;
        }
        position++;
        return nextByte();
    }

    @Override
    public int read(byte[] buffer, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            buffer[off + i] = (byte) nextByte();
        }
        position += n;
        return n;
    }

    private int nextByte() {
        // xorshift64*
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        return (int) ((state * 0x2545F4914F6CDD1DL) >>> 56);
    }
}
