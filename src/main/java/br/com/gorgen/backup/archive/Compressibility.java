package br.com.gorgen.backup.archive;

import java.util.zip.Deflater;

/**
 * Whether data is worth compressing, judged on a sample, as borg's "auto" compression does: most documents (JPEG,
 * PDF, DOCX, compressed DICOM) are compressed already, and deflating them again costs CPU for nothing. The archive
 * is still gzip either way (stored blocks when not compressed), so restoring never needs to know.
 */
public final class Compressibility {
    /** Bytes of the sample: small enough to cost little per object, large enough to see a file's body. */
    static final int SAMPLE = 16 * 1024;
    /** Compressed at least to this share of the sample counts as incompressible. */
    static final double INCOMPRESSIBLE_RATIO = 0.97;

    private Compressibility() {
    }

    /** True when a fast deflate of a sample from the end of {@code b[off, off+len)} barely shrinks it. */
    public static boolean looksIncompressible(byte[] b, int off, int len) {
        int n = Math.min(SAMPLE, len);
        if (n < 512) {
            return false; // too little to judge; compressing it costs nothing anyway
        }
        Probe probe = PROBE.get();
        Deflater deflater = probe.deflater;
        deflater.reset();
        deflater.setInput(b, off + len - n, n);
        deflater.finish();
        int produced = 0;
        while (!deflater.finished() && produced < probe.out.length) {
            produced += deflater.deflate(probe.out, produced, probe.out.length - produced);
        }
        return produced >= n * INCOMPRESSIBLE_RATIO;
    }

    /** One deflater and buffer per thread: a fresh zlib state per sample costs more than the sample. */
    private static final class Probe {
        final Deflater deflater = new Deflater(1, true);
        final byte[] out = new byte[SAMPLE + 64];
    }

    private static final ThreadLocal<Probe> PROBE = ThreadLocal.withInitial(Probe::new);
}
