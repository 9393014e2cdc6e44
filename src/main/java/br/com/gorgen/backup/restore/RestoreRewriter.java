package br.com.gorgen.backup.restore;

import java.io.ByteArrayOutputStream;
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
 * ({@code INSERT ...}, possibly many MB) pass through untouched without being buffered; other lines are buffered up
 * to 64 KiB, which covers every DDL statement mariadb-dump writes on one line.
 */
public class RestoreRewriter extends FilterOutputStream {
    private static final Pattern DEFINER = Pattern.compile("DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*`");
    private static final byte[] INSERT = "INSERT".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LINE = 64 * 1024;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final String sourceQualifier;
    private boolean passThrough;
    private long rewritten;

    /** @param sourceSchema the schema the dump was taken from (its qualifier is removed from DDL) */
    public RestoreRewriter(OutputStream out, String sourceSchema) {
        super(out);
        this.sourceQualifier = "`" + sourceSchema.replace("`", "``") + "`.";
    }

    /** How many definer clauses and qualified lines were rewritten. */
    public long rewritten() {
        return rewritten;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (passThrough) {
                int nl = indexOf(b, i, end);
                int stop = nl < 0 ? end : nl + 1;
                out.write(b, i, stop - i);
                if (nl >= 0) {
                    passThrough = false;
                }
                i = stop;
                continue;
            }
            byte c = b[i++];
            line.write(c);
            if (c == '\n') {
                flushLine();
            } else if (line.size() == INSERT.length && startsWithInsert()) {
                line.writeTo(out);
                line.reset();
                passThrough = true;
            } else if (line.size() >= MAX_LINE) {
                line.writeTo(out);
                line.reset();
                passThrough = true;
            }
        }
    }

    private boolean startsWithInsert() {
        byte[] head = line.toByteArray();
        for (int k = 0; k < INSERT.length; k++) {
            if (head[k] != INSERT[k]) {
                return false;
            }
        }
        return true;
    }

    private void flushLine() throws IOException {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.contains("DEFINER=")) {
            var m = DEFINER.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, "DEFINER=CURRENT_USER");
                rewritten++;
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
        if (line.size() > 0) {
            flushLine();
        }
        out.close();
    }
}
