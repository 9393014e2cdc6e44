package br.com.gorgen.backup.dump;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A temporary MySQL/MariaDB client option file holding the connection credentials, so that the password never
 * appears on a command line (visible in the process list) or in logs.
 *
 * <p>The file contains a {@code [client]} section with {@code user}, {@code password}, {@code host} and
 * {@code port}; values are double-quoted, with {@code \} and {@code "} escaped by a backslash. It is created with
 * POSIX permissions {@code 600} from the start (no window in which another user could read it) and deleted by
 * {@link #close()}. Pass {@link #defaultsExtraFileOption()} as the <em>first</em> option of the client program.
 *
 * <pre>{@code
 * try (MysqlOptionFile options = MysqlOptionFile.create(tmpDir, "backup", password, "db", 3306)) {
 *     ... DumpProcess.start(new DumpCommand("mariadb-dump", options.path(), ...)) ...
 * }
 * }</pre>
 */
public final class MysqlOptionFile implements AutoCloseable {

    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private boolean closed;

    private MysqlOptionFile(Path path) {
        this.path = path;
    }

    /**
     * Writes a new option file in {@code directory}.
     *
     * @param directory existing directory for the file (a private temporary directory is best)
     * @param user      database user
     * @param password  database password; {@code null} writes no password line
     * @param host      database host name or address
     * @param port      TCP port (1-65535)
     * @return the open option file; close it to delete the file
     * @throws IOException              if the file cannot be created or written
     * @throws IllegalArgumentException if a value contains a line break or NUL, or the port is out of range
     *                                  (the message never repeats the password)
     */
    public static MysqlOptionFile create(Path directory, String user, String password, String host, int port)
            throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        List<String> lines = new ArrayList<>();
        lines.add("[client]");
        lines.add("user=" + quote("user", user));
        if (password != null) {
            lines.add("password=" + quote("password", password));
        }
        lines.add("host=" + quote("host", host));
        lines.add("port=" + port);
        byte[] content = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);

        FileAttribute<Set<PosixFilePermission>> attribute = PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
        Path file = Files.createTempFile(directory, "client-", ".cnf", attribute);
        try {
            Files.write(file, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new MysqlOptionFile(file);
    }

    /**
     * Location of the option file.
     *
     * @return the file path
     */
    public Path path() {
        return path;
    }

    /**
     * The command-line option that makes a MySQL/MariaDB client read this file; it must be the first option.
     *
     * @return {@code --defaults-extra-file=<path>}
     */
    public String defaultsExtraFileOption() {
        return defaultsExtraFileOption(path);
    }

    /**
     * Deletes the option file. Idempotent.
     *
     * @throws UncheckedIOException if the file exists and cannot be deleted
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            Files.deleteIfExists(path);
            closed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete option file " + path, e);
        }
    }

    @Override
    public String toString() {
        return "MysqlOptionFile[" + path + "]";
    }

    static String defaultsExtraFileOption(Path file) {
        return "--defaults-extra-file=" + file.toAbsolutePath();
    }

    /** Double-quotes an option value, escaping backslash and double quote. */
    static String quote(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new IllegalArgumentException(what + " must not contain line breaks or NUL characters");
            }
        }
        return '"' + escape(value) + '"';
    }

    /** Backslash-escapes {@code \} and {@code "}. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * Reads the {@code password} value back from an option file (used to keep it out of error messages).
     * Understands the double-quoted form written by this class, single quotes and bare values.
     *
     * @param file an option file
     * @return the password, empty if the file has none or cannot be read
     */
    static Optional<String> readPassword(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String password = null;
        for (String line : lines) {
            String trimmed = line.strip();
            int eq = trimmed.indexOf('=');
            if (eq < 0 || !trimmed.substring(0, eq).strip().equals("password")) {
                continue;
            }
            password = unquote(trimmed.substring(eq + 1).strip());
        }
        return Optional.ofNullable(password);
    }

    private static String unquote(String raw) {
        if (raw.length() >= 2 && (raw.charAt(0) == '"' || raw.charAt(0) == '\'')) {
            char quote = raw.charAt(0);
            StringBuilder out = new StringBuilder(raw.length());
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\' && i + 1 < raw.length()) {
                    out.append(raw.charAt(++i));
                } else if (c == quote) {
                    break;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        return raw;
    }
}
