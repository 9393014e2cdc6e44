package br.com.gorgen.backup.dump;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Starts the dump of the source database: reads what the server is (manifest), writes a private option file with
 * the credentials in the backup's work folder, and starts {@code mariadb-dump}. The body becomes the dump's
 * stdout as a stream, checked at its end (exit code, stderr, completion trailer) by {@link DumpProcess}.
 * The service's own tables are left out when the catalog lives in the source database.
 */
public class DatabaseDumper implements Processor {
    private final DatabaseUrl source;
    private final String executable;
    private final List<String> extraArgs;
    private final List<String> ownTables;

    public DatabaseDumper(DatabaseUrl source, String executable, List<String> extraArgs, List<String> ownTables) {
        this.source = source;
        this.executable = executable;
        this.extraArgs = extraArgs;
        this.ownTables = ownTables;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (source == null) {
            throw new DumpFailedException("DATABASE_URL is not configured: nothing to back up");
        }
        SourceInfo info;
        try {
            info = SourceInfo.read(source, ownTables);
        } catch (SQLException e) {
            throw new DumpFailedException("cannot connect to the source database " + source + ": " + e.getMessage(), e);
        }
        exchange.setProperty(SourceInfo.PROPERTY, info);
        Path workDir = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class);
        // deleted with the work folder when the backup ends, whatever its outcome
        MysqlOptionFile options = MysqlOptionFile.create(workDir, source.user(), source.password(), source.host(), source.port());
        List<String> ignore = ownTables.stream().filter(info.tables()::contains).toList();
        DumpStream stream = DumpProcess.start(new DumpCommand(executable, options.path(), source.database(),
                info.binlogEnabled(), ignore, extraArgs, workDir));
        exchange.setProperty(BackupHeaders.PROP_DUMP, stream);
        exchange.getIn().setBody(stream);
    }
}
