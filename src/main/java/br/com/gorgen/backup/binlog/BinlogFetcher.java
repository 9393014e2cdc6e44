package br.com.gorgen.backup.binlog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import br.com.gorgen.backup.dump.MysqlOptionFile;
import br.com.gorgen.backup.settings.DatabaseUrl;

/**
 * Copies closed binary-log files from the server with {@code mariadb-binlog --read-from-remote-server --raw}
 * (byte-identical copies; the service need not run on the database host). Credentials go through a private option
 * file, never the command line. Needs {@code REPLICATION SLAVE} on the server.
 */
public class BinlogFetcher {
    /** The server no longer has a file that was asked for (purged): a gap. */
    public static class BinlogPurgedException extends IOException {
        public BinlogPurgedException(String message) {
            super(message);
        }
    }

    private final DatabaseUrl server;
    private final String command;

    public BinlogFetcher(DatabaseUrl server, String command) {
        this.server = server;
        this.command = command;
    }

    /** Fetches {@code files} into {@code dir} (one client session); returns their local paths in order. */
    public List<Path> fetch(List<String> files, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path stderr = dir.resolve("fetch.err");
        try (MysqlOptionFile options = MysqlOptionFile.create(dir, server.user(), server.password(), server.host(),
                server.port())) {
            List<String> cmd = new ArrayList<>(List.of(command, options.defaultsExtraFileOption(),
                    "--read-from-remote-server", "--raw", "--result-file=" + dir.toAbsolutePath() + "/"));
            cmd.addAll(files);
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(stderr.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(2, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new IOException(command + " did not finish fetching " + files);
            }
            String err = Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8).strip() : "";
            if (p.exitValue() != 0) {
                if (err.contains("Could not find first log file name")) {
                    throw new BinlogPurgedException("the server no longer has " + String.join(", ", files)
                            + " (purged before it was shipped): " + err);
                }
                throw new IOException(command + " exited with code " + p.exitValue() + " fetching "
                        + String.join(", ", files) + ": " + (err.isEmpty() ? "no message" : err));
            }
        } finally {
            Files.deleteIfExists(stderr);
        }
        List<Path> out = new ArrayList<>();
        for (String f : files) {
            Path local = dir.resolve(f);
            if (!Files.isRegularFile(local)) {
                throw new IOException(command + " reported success but did not write " + f);
            }
            out.add(local);
        }
        return out;
    }
}
