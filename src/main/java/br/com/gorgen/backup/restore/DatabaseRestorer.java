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
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import br.com.gorgen.backup.crypto.PgpDecryptor;
import br.com.gorgen.backup.dump.MysqlOptionFile;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.WorkFolders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Loads a verified backup copy into the target database, streaming all the way: S3 object → OpenPGP decryption →
 * gunzip → definer and schema-qualifier rewrite → the {@code mariadb} client's stdin. Nothing is staged on disk or in memory. The client
 * gets its password from a private option file, never on its command line; its exit code and stderr decide.
 */
public class DatabaseRestorer implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseRestorer.class);

    private final DatabaseUrl server;
    private final String clientCommand;
    private final PrivateKeySource keys;
    private final Path workRoot;
    private final boolean skipBinlog;

    /**
     * @param server      the restore server and the credentials to use there (its database part is not used)
     * @param keys        where the decryption key comes from (only where restores run)
     * @param skipBinlog  keep an isolated restore out of the server's binary log (replicas do not need it)
     */
    public DatabaseRestorer(DatabaseUrl server, String clientCommand, PrivateKeySource keys, Path workRoot, boolean skipBinlog) {
        this.server = server;
        this.clientCommand = clientCommand;
        this.keys = keys;
        this.workRoot = workRoot;
        this.skipBinlog = skipBinlog;
    }

    /** Loads the verified copy into a new database named by the target header (dropped again if the load fails). */
    @Override
    public void process(Exchange exchange) throws Exception {
        String target = exchange.getIn().getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        createDatabase(target);
        try {
            loadInto(exchange, target);
        } catch (Exception e) {
            dropQuietly(target); // a half-loaded database is of no use to anyone
            throw e;
        }
    }

    /** Loads the verified copy into an existing database; nothing is dropped on failure. */
    public void loadInto(Exchange exchange, String target) throws Exception {
        ArtifactLocator.Source source = exchange.getProperty(RestoreHeaders.PROP_SOURCE, ArtifactLocator.Source.class);
        PgpDecryptor decryptor = keys.decryptor();
        try (InputStream object = source.bucket().client().getObject(GetObjectRequest.builder()
                .bucket(source.bucket().name()).key(source.backup().filePath()).build());
                InputStream sql = new GZIPInputStream(decryptor.decryptingStream(object), 1 << 16)) {
            long definers = loadSql(sql, source.manifest().source().database(), target);
            LOG.info("Backup {} loaded into {} from bucket {} ({} definer clause(s) or schema-qualified line(s) rewritten)",
                    source.backup().id(), target, source.bucket().name(), definers);
        }
    }

    /**
     * Streams SQL written for database {@code originalDatabase} into {@code target} through the {@code mariadb} client
     * (definers and schema qualifiers rewritten); returns how many lines were rewritten. The client's exit code and
     * stderr decide.
     */
    public long loadSql(InputStream sql, String originalDatabase, String target) throws Exception {
        Files.createDirectories(workRoot);
        Path work = Files.createTempDirectory(workRoot, "restore-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (MysqlOptionFile options = MysqlOptionFile.create(work, server.user(), server.password(), server.host(),
                server.port())) {
            return load(sql, originalDatabase, target, options, work);
        } finally {
            WorkFolders.deleteTree(work);
        }
    }

    private long load(InputStream sql, String originalDatabase, String target, MysqlOptionFile options, Path work)
            throws Exception {
        Path stderr = work.resolve("client.err");
        List<String> command = new ArrayList<>(List.of(clientCommand, options.defaultsExtraFileOption(),
                "--default-character-set=utf8mb4", "--max-allowed-packet=1G", "--batch", "--database=" + target));
        Process client = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        long definers;
        try (RestoreRewriter stdin = new RestoreRewriter(client.getOutputStream(), originalDatabase)) {
            if (skipBinlog) {
                stdin.write("SET SESSION sql_log_bin = 0;\n".getBytes(StandardCharsets.US_ASCII));
            }
            sql.transferTo(stdin);
            definers = stdin.rewritten();
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
            throw new RestoreFailedException(clientCommand + " exited with code " + client.exitValue() + " while loading "
                    + target + ": " + ErrorMessages.fileText(stderr));
        }
        return definers;
    }

    private void createDatabase(String target) throws SQLException {
        execute("CREATE DATABASE " + DatabaseUrl.quote(target) + " CHARACTER SET utf8mb4");
    }

    /** A statement about the isolated database, kept out of the binary log like its load when skipBinlog is on. */
    private void execute(String sql) throws SQLException {
        try (java.sql.Connection c = server.connect(null); java.sql.Statement st = c.createStatement()) {
            if (skipBinlog) {
                st.execute("SET SESSION sql_log_bin = 0");
            }
            st.execute(sql);
        }
    }

    private void dropQuietly(String target) {
        try {
            execute("DROP DATABASE IF EXISTS " + DatabaseUrl.quote(target));
        } catch (SQLException e) {
            LOG.warn("Cannot drop the half-loaded database {}: {}", target, e.getMessage());
        }
    }


}
