package br.com.gorgen.backup.dump;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The standard output of a running dump program, as a streaming {@link InputStream}.
 *
 * <p>Every byte read passes through a {@link DumpInspector}. When the end of the output is reached, the stream
 * waits for the program to exit and verifies the dump; if anything is wrong the read that met the end of stream
 * (and every later read) throws a {@link DumpFailedIOException} whose {@link DumpFailedIOException#failure()
 * failure} explains, in words meant for humans:
 * <ul>
 *   <li>{@code mariadb-dump exited with code N: <first stderr lines>}</li>
 *   <li>{@code dump truncated: completion trailer '-- Dump completed' missing after N bytes}</li>
 *   <li>{@code dump contains no tables}</li>
 * </ul>
 * A read returning -1 therefore means the dump is complete and verified.
 *
 * <p>{@link #close()} before the end of stream aborts the dump: the program and its descendants are killed.
 * Temporary files are always deleted. Not thread-safe.
 */
public final class DumpStream extends InputStream {

    private final Process process;
    private final InputStream stdout;
    private final StderrCapture stderr;
    private final String programName;
    private final SecretRedactor redactor;
    private final Duration exitTimeout;
    private final DumpInspector inspector = new DumpInspector();

    private boolean endOfStream;
    private boolean closed;
    private DumpFailedException failure;
    private String stderrWarnings = "";

    DumpStream(Process process, StderrCapture stderr, String programName, SecretRedactor redactor,
               Duration exitTimeout) {
        this.process = Objects.requireNonNull(process, "process");
        this.stdout = process.getInputStream();
        this.stderr = Objects.requireNonNull(stderr, "stderr");
        this.programName = Objects.requireNonNull(programName, "programName");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.exitTimeout = Objects.requireNonNull(exitTimeout, "exitTimeout");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("dump stream closed");
        }
        if (failure != null) {
            throw new DumpFailedIOException(failure);
        }
        if (endOfStream) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = stdout.read(b, off, len);
        if (n > 0) {
            inspector.update(b, off, n);
            return n;
        }
        if (n < 0) {
            verifyAtEndOfStream();
            return -1;
        }
        return 0;
    }

    @Override
    public int available() throws IOException {
        return closed || endOfStream ? 0 : stdout.available();
    }

    /**
     * Results of the inspection of the bytes read so far; final once a read has returned -1.
     *
     * @return the inspector fed by this stream
     */
    public DumpInspector inspector() {
        return inspector;
    }

    /**
     * Non-fatal messages the program wrote to stderr (at most about 8 KiB), available once a read has returned
     * -1; empty if there were none.
     *
     * @return stderr text of a successful dump, password masked
     */
    public String stderrWarnings() {
        return stderrWarnings;
    }

    /**
     * Operating-system id of the dump process.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Whether the dump process is still running.
     *
     * @return true while the process is alive
     */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Releases the stream. Before the end of stream this aborts the dump, killing the program and its
     * descendants. Deletes the temporary files. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!endOfStream) {
                DumpProcess.destroyTree(process);
            }
            stdout.close();
        } finally {
            stderr.delete();
        }
    }

    private void verifyAtEndOfStream() throws IOException {
        endOfStream = true;
        inspector.finish();
        String errorText;
        int code;
        try {
            boolean exited = waitForExit();
            errorText = redactor.redact(stderr.readHead());
            if (!exited) {
                fail(programName + " did not exit within " + DumpProcess.describe(exitTimeout)
                        + " after the end of its output" + suffix(StderrCapture.firstLines(errorText)));
            }
            code = process.exitValue();
        } finally {
            stderr.delete();
        }
        if (code != 0) {
            String detail = StderrCapture.firstLines(errorText);
            fail(programName + " exited with code " + code + ": "
                    + (detail.isEmpty() ? "(no error output)" : detail));
        }
        if (!inspector.completed()) {
            fail("dump truncated: completion trailer '-- Dump completed' missing after " + inspector.bytes()
                    + " bytes");
        }
        if (inspector.rowCounts().isEmpty()) {
            fail("dump contains no tables");
        }
        stderrWarnings = errorText.strip();
    }

    private boolean waitForExit() throws InterruptedIOException {
        try {
            if (process.waitFor(exitTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            DumpProcess.destroyTree(process);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            DumpProcess.destroyTree(process);
            throw new InterruptedIOException("interrupted while waiting for " + programName + " to exit");
        }
    }

    private static String suffix(String detail) {
        return detail.isEmpty() ? "" : ": " + detail;
    }

    private void fail(String message) throws DumpFailedIOException {
        failure = new DumpFailedException(redactor.redact(message));
        throw new DumpFailedIOException(failure);
    }
}
