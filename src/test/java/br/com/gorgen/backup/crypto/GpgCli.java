package br.com.gorgen.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the real {@code gpg} binary against a private GNUPGHOME (mode 700) for interop tests.
 * Output goes to files (no pipes that could fill up), every call is bounded by a timeout.
 */
final class GpgCli {

    private static final long TIMEOUT_SECONDS = 120;
    static final String INSTALL_HINT = "install gnupg (apt-get install gnupg)";

    /** Exit code and captured output of one gpg run. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private final Path home;
    private final Path logs;
    private final AtomicInteger calls = new AtomicInteger();

    private GpgCli(Path home, Path logs) {
        this.home = home;
        this.logs = logs;
    }

    /** Creates {@code home} with permissions 700 (gpg warns about anything looser). */
    static GpgCli withNewHome(Path home) throws IOException {
        Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Path logs = Files.createDirectory(home.resolveSibling(home.getFileName() + "-logs"));
        return new GpgCli(home, logs);
    }

    /** Fails (never skips) the calling test class when gpg is not installed. */
    static void requireInstalled(Path scratch) {
        try {
            Process process = new ProcessBuilder("gpg", "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("gpg-version.txt").toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                fail("'gpg --version' did not succeed; " + INSTALL_HINT);
            }
        } catch (IOException e) {
            fail("gpg not found on PATH; " + INSTALL_HINT + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while checking for gpg");
        }
    }

    Path home() {
        return home;
    }

    /** Runs {@code gpg --batch <args>} and asserts exit code 0. */
    Result gpgOk(String... args) {
        Result result = gpg(args);
        assertThat(result.exitCode())
                .as("gpg %s failed:%n%s", String.join(" ", args), result.stderr())
                .isZero();
        return result;
    }

    /** Runs {@code gpg --batch <args>}. */
    Result gpg(String... args) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--no-tty"));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Stops the gpg-agent (and any other daemon) of this home directory. */
    void killDaemons() {
        run(List.of("gpgconf", "--kill", "all"));
    }

    private Result run(List<String> command) {
        int call = calls.incrementAndGet();
        Path out = logs.resolve(call + ".out");
        Path err = logs.resolve(call + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("GNUPGHOME", home.toString());
        builder.environment().put("LC_ALL", "C");
        builder.environment().remove("GPG_AGENT_INFO");
        try {
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("timed out after " + TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(process.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("cannot run " + command + "; " + INSTALL_HINT + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + command);
        }
    }
}
