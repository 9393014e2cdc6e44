package br.com.gorgen.backup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import br.com.gorgen.backup.dump.MysqlOptionFile;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.WorkFolders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a backup into a new database, streaming all the way and reading it once: S3 object → SHA-256 → OpenPGP
 * decryption → gunzip → SHA-256 → definer and schema-qualifier rewrite → the {@code mariadb} client's stdin (run with
 * {@code --sandbox}: the SQL it loads can run no shell command and read no file). Nothing is staged on disk or in
 * memory. A copy whose hashes differ at its end, or that cannot be read or decrypted, is dropped with what it loaded
 * and the other copy is loaded instead ({@link ArtifactLocator#readIntact}). The client gets its password from a
 * private option file, never on its command line; its exit code and stderr decide.
 */
public class DatabaseRestorer implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseRestorer.class);

    private final DatabaseUrl server;
    private final String clientCommand;
    private final PrivateKeySource keys;
    private final Path workRoot;
    private final boolean skipBinlog;
    private final boolean sandbox;
    private final ArtifactLocator locator;

    /**
     * @param server      the restore server and the credentials to use there (its database part is not used)
     * @param keys        where the decryption key comes from (only where restores run)
     * @param skipBinlog  keep an isolated restore out of the server's binary log (replicas do not need it); the
     *                    staging of a production restore is always logged (replicas follow the switch)
     * @param sandbox     run the client with {@code --sandbox}
     */
    public DatabaseRestorer(DatabaseUrl server, String clientCommand, PrivateKeySource keys, Path workRoot,
            boolean skipBinlog, boolean sandbox, ArtifactLocator locator) {
        this.server = server;
        this.clientCommand = clientCommand;
        this.keys = keys;
        this.workRoot = workRoot;
        this.skipBinlog = skipBinlog;
        this.sandbox = sandbox;
        this.locator = locator;
    }

    /**
     * Loads an intact copy (the candidates {@link ArtifactLocator#process} found) into a new database named by the
     * target header; a copy found bad is dropped with what it loaded and the next one loaded. Sets the copy used, the
     * notes (definers) and the problems met (for the bad-copy alert).
     */
    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        String target = exchange.getIn().getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        String kind = exchange.getIn().getHeader(RestoreHeaders.KIND, "isolated", String.class);
        boolean production = kind.endsWith("production");
        boolean logged = production || !skipBinlog;
        // a restore over production keeps the backup's definers where their accounts exist; others rewrite them
        Predicate<String> keep = production ? DefinerPolicy.forServer(server) : DefinerPolicy.none();
        List<ArtifactLocator.Source> candidates = exchange.getProperty(ArtifactLocator.PROP_CANDIDATES, List.class);
        List<String> problems = new ArrayList<>();
        String already = exchange.getIn().getHeader(RestoreHeaders.BAD_COPY, String.class);
        if (already != null) {
            problems.add(already);
        }
        ArtifactLocator.Read<Loaded> read;
        try {
            read = locator.readIntact(candidates, keys.decryptor(), problems, (source, sql) -> {
                execute("CREATE DATABASE " + DatabaseUrl.quote(target) + " CHARACTER SET utf8mb4", logged);
                return load(sql, source.manifest().source().database(), target, keep, logged);
            }, source -> dropQuietly(target, logged));
        } catch (Exception e) {
            dropQuietly(target, logged); // a half-loaded database is of no use to anyone
            throw e;
        } finally {
            if (problems.isEmpty()) {
                exchange.getIn().removeHeader(RestoreHeaders.BAD_COPY);
            } else {
                exchange.getIn().setHeader(RestoreHeaders.BAD_COPY, String.join("; ", problems));
            }
        }
        exchange.setProperty(RestoreHeaders.PROP_SOURCE, read.source());
        exchange.setProperty(RestoreHeaders.PROP_MANIFEST, read.source().manifest());
        exchange.setProperty(RestoreHeaders.PROP_NOTES, read.result().notes());
        LOG.info("Backup {} loaded into {} from bucket {} ({} definer clause(s) or schema-qualified line(s) rewritten)",
                read.source().backup().id(), target, read.source().bucket().name(), read.result().rewritten());
    }

    /** What a load rewrote: how many lines, and the definers kept and replaced (in words, for the restore's notes). */
    public record Loaded(long rewritten, Set<String> keptDefiners, Set<String> rewrittenDefiners) {
        public List<String> notes() {
            List<String> out = new ArrayList<>();
            if (!keptDefiners.isEmpty()) {
                out.add("definers kept as in the backup: " + String.join(", ", keptDefiners));
            }
            if (!rewrittenDefiners.isEmpty()) {
                out.add("definers replaced by the restoring account (their account is missing here, or it may not "
                        + "set them): " + String.join(", ", rewrittenDefiners));
            }
            return out;
        }
    }

    /**
     * Streams SQL written for database {@code originalDatabase} into the existing {@code target} through the client
     * (schema qualifiers rewritten, definers kept where their account exists here), logged in the binary log (a copy
     * on the production server that replicas must follow). The client's exit code and stderr decide.
     */
    public Loaded loadSql(InputStream sql, String originalDatabase, String target) throws Exception {
        return load(sql, originalDatabase, target, DefinerPolicy.forServer(server), true);
    }

    private Loaded load(InputStream sql, String originalDatabase, String target, Predicate<String> keepDefiner,
            boolean logged) throws Exception {
        Files.createDirectories(workRoot);
        Path work = Files.createTempDirectory(workRoot, "restore-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (MysqlOptionFile options = MysqlOptionFile.create(work, server.user(), server.password(), server.host(),
                server.port())) {
            return load(sql, originalDatabase, target, keepDefiner, logged, options, work);
        } finally {
            WorkFolders.deleteTree(work);
        }
    }

    /** The client's command line: the option file first (the client requires it), then {@code --sandbox} if on. */
    List<String> clientCommand(MysqlOptionFile options, String target) {
        List<String> command = new ArrayList<>(List.of(clientCommand, options.defaultsExtraFileOption()));
        if (sandbox) {
            command.add("--sandbox");
        }
        command.addAll(List.of("--default-character-set=utf8mb4", "--max-allowed-packet=1G", "--batch",
                "--database=" + target));
        return command;
    }

    private Loaded load(InputStream sql, String originalDatabase, String target, Predicate<String> keepDefiner,
            boolean logged, MysqlOptionFile options, Path work) throws Exception {
        Path stderr = work.resolve("client.err");
        Process client = new ProcessBuilder(clientCommand(options, target)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        Loaded loaded;
        try (RestoreRewriter stdin = new RestoreRewriter(client.getOutputStream(), originalDatabase, keepDefiner)) {
            if (!logged) {
                stdin.write("SET SESSION sql_log_bin = 0;\n".getBytes(StandardCharsets.US_ASCII));
            }
            sql.transferTo(stdin);
            loaded = new Loaded(stdin.rewritten(), stdin.keptDefiners(), stdin.rewrittenDefiners());
        } catch (IOException e) {
            client.destroyForcibly();
            client.waitFor(30, TimeUnit.SECONDS);
            String clientError = ErrorMessages.fileText(stderr);
            throw new RestoreFailedException("restore into " + target + " stopped: " + e.getMessage()
                    + (clientError.isEmpty() ? "" : " (client: " + clientError + ")"), e);
        }
        if (!client.waitFor(6, TimeUnit.HOURS)) {
            client.destroyForcibly();
            throw new RestoreFailedException("the " + clientCommand + " client did not finish loading " + target);
        }
        if (client.exitValue() != 0) {
            String text = ErrorMessages.fileText(stderr);
            throw new RestoreFailedException(clientCommand + " exited with code " + client.exitValue() + " while loading "
                    + target + ": " + text + (text.contains("sandbox") ? " (the client runs with --sandbox; set "
                            + "BACKUP_RESTORE_CLIENT_SANDBOX=false only for a client without it)" : ""));
        }
        return loaded;
    }

    /** A statement on the restore server, out of the binary log unless {@code logged}. */
    private void execute(String sql, boolean logged) throws SQLException {
        try (java.sql.Connection c = server.connect(null); java.sql.Statement st = c.createStatement()) {
            if (!logged) {
                st.execute("SET SESSION sql_log_bin = 0");
            }
            st.execute(sql);
        }
    }

    private void dropQuietly(String target, boolean logged) {
        try {
            execute("DROP DATABASE IF EXISTS " + DatabaseUrl.quote(target), logged);
        } catch (SQLException e) {
            LOG.warn("Cannot drop the half-loaded database {}: {}", target, e.getMessage());
        }
    }
}
