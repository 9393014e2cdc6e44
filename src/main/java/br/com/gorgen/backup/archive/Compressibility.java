package br.com.gorgen.backup.archive;

/**
 * Whether data is worth compressing, judged on a sample, as borg's "auto" compression does: most documents (JPEG,
 * PDF, DOCX, compressed DICOM) are compressed already, and deflating them again costs CPU for nothing. The archive
 * is still gzip either way (stored blocks when not compressed), so restoring never needs to know.
 *
 * <p>The judge is the sample's order-0 entropy (bits per byte, from its byte histogram): compressed and encrypted data
 * is at ~8, text at 4-5, base64 at 6. At {@value #INCOMPRESSIBLE_BITS} bits or more, deflate could save at most a few
 * per cent. It costs a few microseconds per sample, where a trial deflate of the sample cost a hundred (which, with a
 * sample per small document in a documents backup, was 4 % of its CPU).
 */
public final class Compressibility {
    /** Bytes of the sample: enough to tell text from compressed data, small enough to cost nothing. */
    static final int SAMPLE = 4096;
    /** Order-0 entropy (bits per byte) from which data counts as incompressible. */
    static final double INCOMPRESSIBLE_BITS = 7.5;
    /** c * log2(c) for every count a sample can hold. */
    private static final double[] C_LOG2_C = new double[SAMPLE + 1];

    static {
        for (int c = 1; c <= SAMPLE; c++) {
            C_LOG2_C[c] = c * (Math.log(c) / Math.log(2));
        }
    }

    private Compressibility() {
    }

    /** True when a sample from the end of {@code b[off, off+len)} looks like compressed or random data. */
    public static boolean looksIncompressible(byte[] b, int off, int len) {
        int n = Math.min(SAMPLE, len);
        if (n < 512) {
            return false; // too little to judge; compressing it costs nothing anyway
        }
        return entropyBits(b, off + len - n, n) >= INCOMPRESSIBLE_BITS;
    }

    /** Order-0 entropy of {@code b[from, from+n)} in bits per byte ({@code n <= SAMPLE}). */
    static double entropyBits(byte[] b, int from, int n) {
        int[] counts = new int[256];
        for (int i = from; i < from + n; i++) {
            counts[b[i] & 0xff]++;
        }
        double sum = 0;
        for (int c : counts) {
            sum += C_LOG2_C[c];
        }
        return Math.log(n) / Math.log(2) - sum / n;
    }
}
