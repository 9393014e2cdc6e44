package br.com.gorgen.backup.pitr;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.crypto.PgpDecryptor;
import br.com.gorgen.backup.dump.MysqlOptionFile;
import br.com.gorgen.backup.restore.ArtifactLocator;
import br.com.gorgen.backup.restore.PrivateKeySource;
import br.com.gorgen.backup.restore.RestoreFailedException;
import br.com.gorgen.backup.restore.RestoreHeaders;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.SafeNames;
import br.com.gorgen.backup.support.Sha256;
import br.com.gorgen.backup.support.WorkFolders;
import org.apache.camel.Exchange;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays shipped binary logs over a database restored from the plan's full backup: each file is taken from an intact
 * copy (primary, else secondary; SHA-256 checked before and after decryption), then all of them go through one
 * {@code mariadb-binlog} run into one client session (temporary tables survive across files), starting at the full
 * backup's exact position and stopping at the point in time or position. Only the original database's events are
 * applied, renamed to the target. The plaintext logs live in a private work folder deleted at the end.
 */
public class BinlogReplayer implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogReplayer.class);
    private static final DateTimeFormatter STOP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    /** What was replayed (for the restore record). */
    public record Replay(int files, long bytes, String firstFile, String lastFile, String stop) {
    }

    public static final String PROP_REPLAY = "PitrReplay";

    private final ArtifactLocator locator;
    private final PrivateKeySource keys;
    private final DatabaseUrl server;
    private final String binlogCommand;
    private final String clientCommand;
    private final Path workRoot;
    private final boolean skipBinlog;
    private final boolean sandbox;

    public BinlogReplayer(ArtifactLocator locator, PrivateKeySource keys, DatabaseUrl server, String binlogCommand,
            String clientCommand, Path workRoot, boolean skipBinlog, boolean sandbox) {
        this.sandbox = sandbox;
        this.locator = locator;
        this.keys = keys;
        this.server = server;
        this.binlogCommand = binlogCommand;
        this.clientCommand = clientCommand;
        this.workRoot = workRoot;
        this.skipBinlog = skipBinlog;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        replayInto(exchange, exchange.getIn().getHeader(RestoreHeaders.TARGET_DATABASE, String.class));
    }

    public void replayInto(Exchange exchange, String target) throws Exception {
        RecoveryWindow.Plan plan = exchange.getProperty(PointInTimeRecovery.PROP_PLAN, RecoveryWindow.Plan.class);
        BackupManifest manifest = exchange.getProperty(RestoreHeaders.PROP_MANIFEST, BackupManifest.class);
        String original = manifest.source().database();
        Files.createDirectories(workRoot);
        Path work = Files.createTempDirectory(workRoot, "pitr-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            List<String> problems = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            long bytes = 0;
            PgpDecryptor decryptor = keys.decryptor();
            for (BackupRecord f : plan.files()) {
                for (Path local : fetch(f, decryptor, work, problems)) {
                    bytes += Files.size(local);
                    files.add(local);
                }
            }
            // only this step's problems: the full backup's copy was reported by its own step
            if (problems.isEmpty()) {
                exchange.getIn().removeHeader(RestoreHeaders.BAD_COPY);
            } else {
                exchange.getIn().setHeader(RestoreHeaders.BAD_COPY, String.join("; ", problems));
            }
            String stop = run(plan, files, original, target, work);
            exchange.setProperty(PROP_REPLAY, new Replay(files.size(), bytes, files.get(0).getFileName().toString(),
                    files.get(files.size() - 1).getFileName().toString(), stop));
            LOG.info("Replayed {} binary-log file(s) ({} bytes) from {}:{} into {} ({})", files.size(), bytes,
                    plan.startFile(), plan.startPosition(), target, stop);
        } finally {
            WorkFolders.deleteTree(work);
        }
    }

    /**
     * Reads an intact copy once ({@link ArtifactLocator#readIntact}: primary, else secondary; the stored bytes and the
     * plaintext hashed while they stream), decrypted and gunzipped into the work folder (an incremental's tar is
     * unpacked and each file checked against its manifest). Returns the files in order.
     */
    private List<Path> fetch(BackupRecord f, PgpDecryptor decryptor, Path work, List<String> problems) throws Exception {
        Path dir = work.resolve(f.type() + "-" + f.id());
        return locator.readIntact(locator.candidates(f, problems), decryptor, problems, (source, plain) -> {
            Files.createDirectories(dir);
            List<Path> out = new ArrayList<>();
            if ("incremental".equals(f.type())) {
                TarArchiveInputStream tar = new TarArchiveInputStream(plain);
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    String name = entry.getName();
                    if (!entry.isFile() || !SafeNames.isFileName(name)) {
                        throw new RestoreFailedException("incremental backup #" + f.id() + " holds an unexpected entry '"
                                + name + "'");
                    }
                    Path file = dir.resolve(name);
                    Files.copy(tar, file);
                    out.add(file);
                }
                plain.transferTo(OutputStream.nullOutputStream()); // the end blocks count in the digest
                checkFiles(f, source.manifest(), out);
            } else {
                if (!SafeNames.isFileName(f.binlogFile())) {
                    throw new RestoreFailedException("backup #" + f.id() + " names the binary log '" + f.binlogFile()
                            + "', not a plain file name");
                }
                Path local = dir.resolve(f.binlogFile());
                Files.copy(plain, local);
                out.add(local);
            }
            return out;
        }, source -> WorkFolders.deleteTree(dir)).result();
    }

    private static void checkFiles(BackupRecord f, BackupManifest manifest, List<Path> files) throws Exception {
        List<BackupManifest.BinlogFile> expected = manifest.binlog() == null ? List.of() : manifest.binlog().files();
        List<String> names = new ArrayList<>();
        for (Path p : files) {
            names.add(p.getFileName().toString());
        }
        if (!names.equals(expected.stream().map(BackupManifest.BinlogFile::name).toList())) {
            throw new RestoreFailedException("incremental backup #" + f.id() + " holds " + names + ", its manifest lists "
                    + expected.stream().map(BackupManifest.BinlogFile::name).toList());
        }
        for (int i = 0; i < files.size(); i++) {
            if (!Sha256.of(files.get(i)).equalsIgnoreCase(expected.get(i).sha256())) {
                throw new RestoreFailedException("file " + names.get(i) + " of incremental backup #" + f.id()
                        + " differs from its manifest (SHA-256)");
            }
        }
    }

    private String run(RecoveryWindow.Plan plan, List<Path> files, String original, String target, Path work)
            throws Exception {
        List<String> replay = new ArrayList<>(List.of(binlogCommand, "--start-position=" + plan.startPosition()));
        String stop;
        if (plan.stopAt() != null) {
            replay.add("--stop-datetime=" + STOP.format(plan.stopAt().truncatedTo(ChronoUnit.SECONDS)));
            stop = "stop before " + plan.stopAt().truncatedTo(ChronoUnit.SECONDS);
        } else if (plan.stopPosition() != null) {
            replay.add("--stop-position=" + plan.stopPosition());
            stop = "stop before position " + plan.stopPosition() + " of " + plan.files().get(plan.files().size() - 1).binlogFile();
        } else {
            stop = "everything shipped";
        }
        replay.add("--database=" + original);
        if (!original.equals(target)) {
            replay.add("--rewrite-db=" + original + "->" + target);
        }
        if (skipBinlog) {
            replay.add("--disable-log-bin");
        }
        for (Path f : files) {
            replay.add(f.toString());
        }
        Path replayErr = work.resolve("replay.err");
        Path clientErr = work.resolve("client.err");
        try (MysqlOptionFile options = MysqlOptionFile.create(work, server.user(), server.password(), server.host(),
                server.port())) {
            ProcessBuilder producer = new ProcessBuilder(replay).redirectError(replayErr.toFile());
            producer.environment().put("TZ", "UTC"); // --stop-datetime is read in the tool's local time zone
            List<String> client = new ArrayList<>(List.of(clientCommand, options.defaultsExtraFileOption()));
            if (sandbox) {
                client.add("--sandbox"); // the replayed SQL can run no shell command and read no file
            }
            client.addAll(List.of("--default-character-set=utf8mb4", "--max-allowed-packet=1G", "--batch",
                    "--database=" + target));
            ProcessBuilder consumer = new ProcessBuilder(client)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(clientErr.toFile());
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(producer, consumer));
            for (Process p : pipeline) {
                if (!p.waitFor(12, TimeUnit.HOURS)) {
                    pipeline.forEach(Process::destroyForcibly);
                    throw new RestoreFailedException("the binary-log replay into " + target + " did not finish");
                }
            }
            String replayText = ErrorMessages.fileText(replayErr);
            if (pipeline.get(0).exitValue() != 0) {
                throw new RestoreFailedException(binlogCommand + " exited with code " + pipeline.get(0).exitValue()
                        + " replaying into " + target + ": " + replayText);
            }
            if (pipeline.get(1).exitValue() != 0) {
                throw new RestoreFailedException(clientCommand + " exited with code " + pipeline.get(1).exitValue()
                        + " applying the binary logs to " + target + ": " + ErrorMessages.fileText(clientErr));
            }
            if (replayText.contains("Did not reach stop")) {
                throw new RestoreFailedException("the shipped binary logs end before the requested point (" + replayText
                        + "): " + target + " holds less than asked");
            }
        }
        return stop;
    }

}
