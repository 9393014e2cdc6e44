package br.com.gorgen.backup.testbed;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real command-line tools (gpg, gunzip, mariadb...) the way an operator would, with a time limit. */
public final class Cli {
    private Cli() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code bash -c script}; fails the test with the tool's stderr on a non-zero exit. */
    public static Result bash(String script, Map<String, String> env, long timeoutSeconds) {
        Result r = run(List.of("bash", "-o", "pipefail", "-c", script), env, timeoutSeconds);
        if (r.exitCode() != 0) {
            throw new AssertionError("command failed (exit " + r.exitCode() + "): " + script + "\n" + r.stderr());
        }
        return r;
    }

    public static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) {
        try {
            File out = File.createTempFile("cli", ".out");
            File err = File.createTempFile("cli", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out).redirectError(err);
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("command timed out after " + timeoutSeconds + " s: " + command);
                }
                return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                        Files.readString(err.toPath(), StandardCharsets.UTF_8));
            } finally {
                out.delete();
                err.delete();
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static Path which(String program, String howToInstall) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/sbin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(program + " not found: " + howToInstall);
    }
}
