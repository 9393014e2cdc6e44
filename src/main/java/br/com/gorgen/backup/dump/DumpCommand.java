package br.com.gorgen.backup.dump;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to dump and how: the parameters of one {@code mariadb-dump} run.
 *
 * <p>{@link #commandLine()} builds the argument vector:
 * <pre>
 * executable --defaults-extra-file=OPTIONFILE
 *     --single-transaction --quick --routines --triggers --events --hex-blob
 *     --default-character-set=utf8mb4 --max-allowed-packet=1G
 *     [--master-data=2 --gtid]  [--ignore-table=db.table ...]  [extraArgs ...]  -- database
 * </pre>
 * The database is a plain argument (not {@code --databases}), so the dump has no {@code CREATE DATABASE} /
 * {@code USE} and can be restored into a schema of any name. Credentials come only from the option file.
 *
 * @param executable    dump program, e.g. {@code mariadb-dump} (looked up on the PATH) or an absolute path
 * @param optionFile    client option file with the credentials (see {@link MysqlOptionFile})
 * @param database      schema to dump
 * @param binlogEnabled whether to record the binlog coordinates and GTID ({@code --master-data=2 --gtid});
 *                      requires binary logging on the server and the RELOAD and BINLOG MONITOR privileges
 * @param ignoreTables  tables of {@code database} to leave out, passed as {@code --ignore-table=database.table}
 * @param extraArgs     additional options (no positional arguments, no password)
 * @param workDir       working directory of the process and location of its temporary stderr file
 */
public record DumpCommand(String executable, Path optionFile, String database, boolean binlogEnabled,
                          List<String> ignoreTables, List<String> extraArgs, Path workDir) {

    /** Options always passed, in this order, after the option file. */
    public static final List<String> FIXED_OPTIONS = List.of(
            "--single-transaction",
            "--quick",
            "--routines",
            "--triggers",
            "--events",
            "--hex-blob",
            "--default-character-set=utf8mb4",
            "--max-allowed-packet=1G");

    /** Options added when {@link #binlogEnabled()}. */
    public static final List<String> BINLOG_OPTIONS = List.of("--master-data=2", "--gtid");

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if a name is blank or an extra argument would carry a password
     */
    public DumpCommand {
        Objects.requireNonNull(executable, "executable");
        Objects.requireNonNull(optionFile, "optionFile");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(workDir, "workDir");
        ignoreTables = ignoreTables == null ? List.of() : List.copyOf(ignoreTables);
        extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
        if (executable.isBlank()) {
            throw new IllegalArgumentException("executable must not be blank");
        }
        if (database.isBlank() || database.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid database name: '" + database + "'");
        }
        for (String table : ignoreTables) {
            if (table.isBlank()) {
                throw new IllegalArgumentException("ignoreTables must not contain blank names");
            }
        }
        for (String arg : extraArgs) {
            if (carriesPassword(arg)) {
                // do not echo the argument: it may be the password itself
                throw new IllegalArgumentException(
                        "extraArgs must not pass a password on the command line; use the option file");
            }
        }
    }

    /**
     * The full argument vector, starting with the executable; {@code --defaults-extra-file} is the first option.
     *
     * @return an unmodifiable list
     */
    public List<String> commandLine() {
        List<String> argv = new ArrayList<>();
        argv.add(executable);
        argv.add(MysqlOptionFile.defaultsExtraFileOption(optionFile));
        argv.addAll(FIXED_OPTIONS);
        if (binlogEnabled) {
            argv.addAll(BINLOG_OPTIONS);
        }
        for (String table : ignoreTables) {
            argv.add("--ignore-table=" + database + "." + table);
        }
        argv.addAll(extraArgs);
        argv.add("--"); // end of options: the database name is never taken for an option
        argv.add(database);
        return List.copyOf(argv);
    }

    private static boolean carriesPassword(String arg) {
        // -p<secret>, -p, --password[=...], and its unambiguous abbreviations (--pa, --pas, ...)
        return arg.startsWith("-p") || arg.startsWith("--pa");
    }
}
