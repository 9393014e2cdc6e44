package br.com.gorgen.backup.dump;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code mariadb-dump} (or a compatible program) and exposes its output as a {@link DumpStream}.
 *
 * <pre>{@code
 * try (MysqlOptionFile options = MysqlOptionFile.create(tmp, user, password, host, port);
 *      DumpStream dump = DumpProcess.start(new DumpCommand("mariadb-dump", options.path(), "gorgen",
 *              true, List.of(), List.of(), tmp))) {
 *     dump.transferTo(out);            // throws DumpFailedIOException if the dump is not complete
 *     Map<String, Long> rows = dump.inspector().rowCounts();
 * }
 * }</pre>
 *
 * <p>The password travels only in the option file ({@code --defaults-extra-file}, first option), never on the
 * command line. The program's stderr goes to a temporary file in {@link DumpCommand#workDir()}.
 */
public final class DumpProcess {

    /** How long to wait for the program to exit once its output has ended. */
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link #toolVersion(String)} waits. */
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
    /** How long to wait for a killed process to disappear. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private DumpProcess() {
    }

    /**
     * Starts the dump.
     *
     * @param cmd what to dump
     * @return the streaming output; read it to the end (a -1 means a complete, verified dump) and close it
     * @throws DumpFailedIOException if the option file is missing or the program cannot be started
     * @throws IOException           if the temporary stderr file cannot be created
     */
    public static DumpStream start(DumpCommand cmd) throws IOException {
        return start(cmd, EXIT_TIMEOUT);
    }

    static DumpStream start(DumpCommand cmd, Duration exitTimeout) throws IOException {
        Objects.requireNonNull(cmd, "cmd");
        String program = programName(cmd.executable());
        if (!Files.isRegularFile(cmd.optionFile())) {
            throw new DumpFailedIOException(new DumpFailedException(
                    "cannot start " + program + ": option file not found: " + cmd.optionFile()));
        }
        SecretRedactor redactor = redactorFor(cmd.optionFile());
        StderrCapture stderr = StderrCapture.create(cmd.workDir(), program + "-");
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd.commandLine())
                    .directory(cmd.workDir().toFile())
                    .redirectError(stderr.file().toFile());
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            stderr.delete();
            throw new DumpFailedIOException(new DumpFailedException(
                    redactor.redact("cannot start " + program + ": " + e.getMessage()), e));
        }
        try {
            process.getOutputStream().close(); // the dump program reads nothing from stdin
        } catch (IOException e) {
            // irrelevant: the program does not use stdin
        }
        return new DumpStream(process, stderr, program, redactor, exitTimeout);
    }

    /**
     * Runs {@code <executable> --version} and returns the first line of its output, e.g.
     * {@code mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)}.
     *
     * @param executable program name or path
     * @return the first non-blank output line, stripped
     * @throws IOException if the program cannot be run, fails, prints nothing or does not exit within 30 s
     */
    public static String toolVersion(String executable) throws IOException {
        Objects.requireNonNull(executable, "executable");
        Path output = Files.createTempFile(programName(executable) + "-version-", ".txt");
        try {
            Process process = new ProcessBuilder(executable, "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            process.getOutputStream().close();
            boolean exited;
            try {
                exited = process.waitFor(VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                destroyTree(process);
                throw new InterruptedIOException("interrupted while running " + executable + " --version");
            }
            if (!exited) {
                destroyTree(process);
                throw new IOException(executable + " --version did not exit within " + describe(VERSION_TIMEOUT));
            }
            String text = readHead(output);
            if (process.exitValue() != 0) {
                throw new IOException(executable + " --version exited with code " + process.exitValue()
                        + ": " + StderrCapture.firstLines(text));
            }
            for (String line : text.split("\\R")) {
                if (!line.isBlank()) {
                    return line.strip();
                }
            }
            throw new IOException(executable + " --version printed nothing");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Kills a process and all its descendants, then waits briefly for it to disappear. */
    static void destroyTree(Process process) {
        List<ProcessHandle> descendants = new ArrayList<>();
        process.descendants().forEach(descendants::add); // collect first: they are re-parented once it dies
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readNBytes(StderrCapture.HEAD_BYTES), StandardCharsets.UTF_8);
        }
    }

    private static SecretRedactor redactorFor(Path optionFile) {
        return MysqlOptionFile.readPassword(optionFile)
                .map(password -> new SecretRedactor(List.of(password, MysqlOptionFile.escape(password))))
                .orElseGet(SecretRedactor::none);
    }

    /** A duration for messages: {@code 60 s} or {@code 300 ms}. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** File name of the executable, for messages: {@code /usr/bin/mariadb-dump} becomes {@code mariadb-dump}. */
    static String programName(String executable) {
        Path name = Path.of(executable).getFileName();
        return name == null ? executable : name.toString();
    }
}
