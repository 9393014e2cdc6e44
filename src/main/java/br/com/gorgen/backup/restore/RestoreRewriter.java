package br.com.gorgen.backup.restore;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Makes a dump restorable into another schema on another server while it streams into the client:
 * <ul>
 * <li>{@code DEFINER=`user`@`host`} clauses of views, routines, triggers and events become
 * {@code DEFINER=CURRENT_USER}, so the restore works where the source's definer accounts do not exist (otherwise
 * views and routines fail later with ERROR 1449);</li>
 * <li>references qualified with the source schema ({@code `gorgen`.`t`.`c`}, which MariaDB writes into view
 * definitions) lose the qualifier, so restored views read the restored tables, not the source's;</li>
 * <li>GTID and binary-log statements of MySQL dumps ({@code SET @@GLOBAL.GTID_PURGED}, {@code SET @@SESSION.SQL_LOG_BIN})
 * are commented out, so a restore never changes the target server's own GTID history (MariaDB dumps taken with
 * {@code --master-data=2 --gtid} only carry them as comments already).</li>
 * </ul>
 * Data lines
 * ({@code INSERT ...} and the {@code (...),} row lines that mariadb-dump writes under it, possibly many MB) pass
 * through untouched as soon as their first bytes are seen; other lines are buffered up
 * to 64 KiB, which covers every DDL statement mariadb-dump writes on one line.
 */
public class RestoreRewriter extends FilterOutputStream {
    private static final Pattern DEFINER = Pattern.compile("DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*`");
    private static final byte[] INSERT = "INSERT".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LINE = 64 * 1024;

    private final String sourceQualifier;
    private final java.util.function.Predicate<String> keepDefiner;
    private final java.util.Set<String> keptDefiners = new java.util.TreeSet<>();
    private final java.util.Set<String> rewrittenDefiners = new java.util.TreeSet<>();
    private byte[] line = new byte[1024];
    private int lineLength;
    private boolean passThrough;
    private long rewritten;

    /** @param sourceSchema the schema the dump was taken from (its qualifier is removed from DDL) */
    public RestoreRewriter(OutputStream out, String sourceSchema) {
        this(out, sourceSchema, definer -> false);
    }

    /**
     * @param keepDefiner which definers ({@code `user`@`host`}, as the dump writes them) stay as they are: those that
     *     exist on the target server when this account may set them (a production restore); the others become
     *     {@code CURRENT_USER}
     */
    public RestoreRewriter(OutputStream out, String sourceSchema, java.util.function.Predicate<String> keepDefiner) {
        super(out);
        this.sourceQualifier = "`" + sourceSchema.replace("`", "``") + "`.";
        this.keepDefiner = keepDefiner;
    }

    /** The definers left as the dump has them. */
    public java.util.Set<String> keptDefiners() {
        return java.util.Collections.unmodifiableSet(keptDefiners);
    }

    /** The definers replaced by the restoring account. */
    public java.util.Set<String> rewrittenDefiners() {
        return java.util.Collections.unmodifiableSet(rewrittenDefiners);
    }

    /** A statement with every {@code DEFINER=`user`@`host`} replaced by {@code DEFINER=CURRENT_USER}. */
    public static String currentUserDefiner(String ddl) {
        return DEFINER.matcher(ddl).replaceAll("DEFINER=CURRENT_USER");
    }

    /** How many definer clauses, qualified lines and GTID statements were rewritten. */
    public long rewritten() {
        return rewritten;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (passThrough) {
                int nl = indexOf(b, i, end);
                int stop = nl < 0 ? end : nl + 1;
                out.write(b, i, stop - i);
                passThrough = nl < 0;
                i = stop;
                continue;
            }
            byte c = b[i++];
            append(c);
            if (c == '\n') {
                flushLine();
            } else if (isDataLine()) {
                // rows of an extended INSERT ("INSERT INTO ... VALUES" and "(...)," continuation lines): never touched
                out.write(line, 0, lineLength);
                lineLength = 0;
                passThrough = true;
            }
        }
    }

    private void append(byte c) {
        if (lineLength == line.length) {
            line = java.util.Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = c;
    }

    private boolean isDataLine() {
        if (lineLength == 1) {
            return line[0] == '(';
        }
        if (lineLength == INSERT.length) {
            for (int k = 0; k < INSERT.length; k++) {
                if (line[k] != INSERT[k]) {
                    return false;
                }
            }
            return true;
        }
        return lineLength >= MAX_LINE;
    }

    private void flushLine() throws IOException {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (text.contains("DEFINER=")) {
            var m = DEFINER.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String definer = m.group().substring("DEFINER=".length());
                if (keepDefiner.test(definer)) {
                    keptDefiners.add(definer);
                    m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(m.group()));
                } else {
                    rewrittenDefiners.add(definer);
                    m.appendReplacement(sb, "DEFINER=CURRENT_USER");
                    rewritten++;
                }
            }
            m.appendTail(sb);
            text = sb.toString();
        }
        String upper = text.stripLeading().toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("SET @@GLOBAL.GTID_PURGED") || upper.startsWith("SET @@SESSION.SQL_LOG_BIN")
                || upper.startsWith("SET @MYSQLDUMP_TEMP_LOG_BIN")) {
            text = "-- (gorgen-backup: not replayed on restore) " + text;
            rewritten++;
        }
        if (text.contains(sourceQualifier)) {
            text = text.replace(sourceQualifier, "");
            rewritten++;
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (b[k] == '\n') {
                return k;
            }
        }
        return -1;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (lineLength > 0) {
            flushLine();
        }
        out.close();
    }
}
