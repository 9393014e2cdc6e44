package br.com.gorgen.backup.dump;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streaming, byte-level scanner for the SQL text written by {@code mariadb-dump}.
 *
 * <p>Feed the dump in chunks of any size with {@link #update(byte[], int, int)} and call {@link #finish()}
 * once at the end of the stream; then read the results. The scanner keeps a small, constant amount of state
 * whatever the line length (extended INSERT statements can be many megabytes long and are never buffered) and
 * the results do not depend on how the stream was split into chunks.
 *
 * <p>What it extracts:
 * <ul>
 *   <li>every table created by a line starting with {@code CREATE TABLE `name`} (doubled backticks inside the
 *       name are unescaped); tables without rows are reported with 0 rows;</li>
 *   <li>the number of rows of every table, counted from the statements starting with {@code INSERT INTO `name`},
 *       {@code INSERT IGNORE INTO `name`} or {@code REPLACE INTO `name`}, with or without a column list: every
 *       {@code (} at parenthesis depth 0, outside single-quoted strings, after the {@code VALUES} keyword is one
 *       row. Strings use backslash escapes. Both the single-line layout ({@code VALUES (..),(..);}) and the
 *       one-row-per-line layout of recent MariaDB versions ({@code VALUES\n(..),\n(..);}) are understood;</li>
 *   <li>the binary-log coordinates from {@code -- CHANGE MASTER TO MASTER_LOG_FILE='f', MASTER_LOG_POS=n;}
 *       (commented or not);</li>
 *   <li>the GTID position from {@code -- SET GLOBAL gtid_slave_pos='...';} (commented or not);</li>
 *   <li>whether the last non-empty line starts with {@code -- Dump completed}, the trailer that
 *       {@code mariadb-dump} writes only after a successful dump;</li>
 *   <li>the total number of bytes seen.</li>
 * </ul>
 *
 * <p>Lines between {@code DELIMITER ;;} and {@code DELIMITER ;} (trigger, routine and event bodies) are not
 * inspected for CREATE TABLE and INSERT statements, so statements inside stored programs are not mistaken for
 * table data.
 *
 * <p>Instances are not thread-safe and not reusable.
 */
public final class DumpInspector {

    // ---- scanner states -------------------------------------------------------------------------------------
    /** At the first byte of a line. */
    private static final int LINE_START = 0;
    /** The line has only shown whitespace so far. */
    private static final int BLANK = 1;
    /** Matching the beginning of the line against the known prefixes. */
    private static final int HEAD = 2;
    /** Ignoring everything up to the next newline. */
    private static final int SKIP_LINE = 3;
    /** Inside the backtick-quoted table name of a CREATE TABLE or INSERT. */
    private static final int IDENT = 4;
    /** Saw a backtick inside the table name: either the end of the name or the first of a doubled backtick. */
    private static final int IDENT_TICK = 5;
    /** Between the table name of an INSERT and its VALUES keyword (column list, if any). */
    private static final int HEADER = 6;
    /** Inside a backtick-quoted column name of the INSERT column list. */
    private static final int HEADER_IDENT = 7;
    /** After VALUES: counting tuples until the terminating semicolon. */
    private static final int TUPLES = 8;
    /** Buffering a short line (binlog position, GTID, DELIMITER) to parse it at its end. */
    private static final int COLLECT = 9;

    // ---- line prefixes --------------------------------------------------------------------------------------
    private static final int ACT_CREATE = 0;
    private static final int ACT_INSERT = 1;
    private static final int ACT_TRAILER = 2;
    private static final int ACT_BINLOG = 3;
    private static final int ACT_GTID = 4;
    private static final int ACT_DELIMITER = 5;

    /** Known line prefixes; none is a prefix of another. */
    private static final byte[][] PREFIXES = {
            ascii("CREATE TABLE `"),
            ascii("CREATE TABLE IF NOT EXISTS `"),
            ascii("INSERT INTO `"),
            ascii("INSERT IGNORE INTO `"),
            ascii("REPLACE INTO `"),
            ascii("-- Dump completed"),
            ascii("-- CHANGE MASTER TO "),
            ascii("CHANGE MASTER TO "),
            ascii("-- SET GLOBAL gtid_slave_pos="),
            ascii("SET GLOBAL gtid_slave_pos="),
            ascii("DELIMITER "),
    };
    private static final int[] ACTIONS = {
            ACT_CREATE, ACT_CREATE, ACT_INSERT, ACT_INSERT, ACT_INSERT, ACT_TRAILER,
            ACT_BINLOG, ACT_BINLOG, ACT_GTID, ACT_GTID, ACT_DELIMITER,
    };
    private static final int ALL_PREFIXES = (1 << PREFIXES.length) - 1;
    /** Inside a DELIMITER ;; block only the closing DELIMITER line is recognised. */
    private static final int DELIMITER_ONLY = 1 << (PREFIXES.length - 1);

    private static final byte[] VALUES = ascii("VALUES");
    private static final int LINE_CAPACITY = 4096;
    private static final int NAME_CAPACITY = 1024;

    private static final Pattern BINLOG_FILE = Pattern.compile("MASTER_LOG_FILE\\s*=\\s*'([^']*)'");
    private static final Pattern BINLOG_POS = Pattern.compile("MASTER_LOG_POS\\s*=\\s*(\\d{1,18})\\b");
    private static final Pattern GTID = Pattern.compile("gtid_slave_pos\\s*=\\s*'([^']*)'");

    // ---- scanner state --------------------------------------------------------------------------------------
    private int state = LINE_START;
    private boolean finished;
    private long bytes;

    /** Candidate prefixes still matching the current line head (bit i = PREFIXES[i]). */
    private int candidates;
    /** Bytes of the current line head / collected line (bounded). */
    private final byte[] line = new byte[LINE_CAPACITY];
    private int lineLen;
    private int collectAction;

    /** Table name being read (UTF-8 bytes, backticks unescaped, bounded). */
    private final byte[] name = new byte[NAME_CAPACITY];
    private int nameLen;
    private int identAction;
    private byte[] lastNameBytes = new byte[0];
    private String lastName;

    /** INSERT header: position in the VALUES keyword match. */
    private int valuesMatch;
    /** Tuple scanning state. */
    private int depth;
    private boolean inString;
    private boolean escaped;
    private long[] currentRows;

    private boolean inDelimiterBlock;
    private boolean lastLineIsTrailer;

    // ---- results --------------------------------------------------------------------------------------------
    private final Map<String, long[]> tables = new LinkedHashMap<>();
    private BinlogPosition binlogPosition;
    private java.time.Instant binlogPositionSeenAt;
    private String gtidPosition;

    /** Creates an inspector positioned at the beginning of a dump. */
    public DumpInspector() {
        // nothing to initialise beyond the field defaults
    }

    /**
     * Scans the next chunk of the dump.
     *
     * @param buf bytes of the dump
     * @param off offset of the first byte to scan
     * @param len number of bytes to scan
     * @throws IllegalStateException if {@link #finish()} was already called
     */
    public void update(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (finished) {
            throw new IllegalStateException("finish() was already called");
        }
        bytes += len;
        int i = off;
        final int end = off + len;
        while (i < end) {
            switch (state) {
                case TUPLES:
                    i = scanTuples(buf, i, end);
                    break;
                case SKIP_LINE:
                    while (i < end && buf[i] != '\n') {
                        i++;
                    }
                    if (i < end) {
                        i++;
                        state = LINE_START;
                    }
                    break;
                default:
                    if (step(buf[i])) {
                        i++;
                    }
                    break;
            }
        }
    }

    /**
     * Scans a whole array; shorthand for {@code update(buf, 0, buf.length)}.
     *
     * @param buf bytes of the dump
     */
    public void update(byte[] buf) {
        update(buf, 0, buf.length);
    }

    /**
     * Marks the end of the dump, completing a last line that has no trailing newline. Further calls are no-ops;
     * {@link #update(byte[], int, int)} is no longer allowed.
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (state == COLLECT) {
            endCollectedLine();
        }
        // an identifier still open at the end (even right after a backtick, which could be the first of a doubled
        // one) belongs to a cut line: its name cannot be trusted, so it is not recorded
        state = SKIP_LINE;
    }

    /**
     * Row counts per table, in order of first appearance (CREATE TABLE or INSERT). Tables created without rows
     * map to 0.
     *
     * @return an unmodifiable snapshot
     */
    public Map<String, Long> rowCounts() {
        Map<String, Long> copy = new LinkedHashMap<>(Math.max(16, tables.size() * 2));
        tables.forEach((table, count) -> copy.put(table, count[0]));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Sum of the rows of all tables.
     *
     * @return total row count
     */
    public long totalRows() {
        long total = 0;
        for (long[] count : tables.values()) {
            total += count[0];
        }
        return total;
    }

    /**
     * Binary-log coordinates of the snapshot, present when the dump was taken with {@code --master-data}.
     *
     * @return the last {@code CHANGE MASTER TO MASTER_LOG_FILE=..., MASTER_LOG_POS=...} seen
     */
    /**
     * When the dump's binary-log position went by: the dump tool writes it right after taking its snapshot, so this is
     * an upper bound of the snapshot's time (what point-in-time recovery needs to choose a full backup).
     */
    public Optional<java.time.Instant> binlogPositionSeenAt() {
        return Optional.ofNullable(binlogPositionSeenAt);
    }

    public Optional<BinlogPosition> binlogPosition() {
        return Optional.ofNullable(binlogPosition);
    }

    /**
     * GTID position of the snapshot (possibly several comma-separated domains), present when the dump was taken
     * with {@code --master-data --gtid} on a server with GTIDs.
     *
     * @return the last non-empty {@code gtid_slave_pos} value seen
     */
    public Optional<String> gtidPosition() {
        return Optional.ofNullable(gtidPosition);
    }

    /**
     * Whether the last non-empty line starts with {@code -- Dump completed}. Meaningful after {@link #finish()}.
     *
     * @return true if the completion trailer ends the dump
     */
    public boolean completed() {
        return lastLineIsTrailer;
    }

    /**
     * Number of bytes passed to {@link #update(byte[], int, int)}.
     *
     * @return total bytes seen
     */
    public long bytes() {
        return bytes;
    }

    // ---- hot loop -------------------------------------------------------------------------------------------

    /** Counts tuples in {@code buf[i, end)}; returns the index of the first unconsumed byte. */
    private int scanTuples(byte[] buf, int i, final int end) {
        int d = depth;
        long rows = 0;
        boolean str = inString;
        if (str && escaped) {
            // the byte escaped by a backslash at the end of the previous chunk
            escaped = false;
            i++;
        }
        scan:
        while (i < end) {
            if (str) {
                while (true) {
                    if (i >= end) {
                        break scan;
                    }
                    byte b = buf[i++];
                    if (b == '\'') {
                        str = false;
                        break;
                    }
                    if (b == '\\') {
                        if (i < end) {
                            i++;
                        } else {
                            escaped = true;
                            break scan;
                        }
                    }
                }
            }
            while (i < end) {
                byte b = buf[i++];
                if (b > ')' && b != ';') {
                    continue; // digits, letters, commas, hex literals: the vast majority
                }
                if (b == '\'') {
                    str = true;
                    continue scan;
                }
                if (b == '(') {
                    if (d == 0) {
                        rows++;
                    }
                    d++;
                } else if (b == ')') {
                    if (d > 0) {
                        d--;
                    }
                } else if (b == ';' && d == 0) {
                    state = SKIP_LINE; // end of the statement; the rest of the line is irrelevant
                    break scan;
                }
            }
        }
        depth = d;
        inString = str;
        currentRows[0] += rows;
        return i;
    }

    // ---- per-byte states (line heads, names, headers) -------------------------------------------------------

    /** Processes one byte in a slow state; returns false if the byte must be processed again in the new state. */
    private boolean step(byte b) {
        switch (state) {
            case LINE_START:
                if (b == '\n') {
                    return true;
                }
                if (b == ' ' || b == '\t' || b == '\r') {
                    state = BLANK;
                    return true;
                }
                lastLineIsTrailer = false;
                candidates = inDelimiterBlock ? DELIMITER_ONLY : ALL_PREFIXES;
                lineLen = 0;
                state = HEAD;
                return false;
            case BLANK:
                if (b == '\n') {
                    state = LINE_START;
                } else if (b != ' ' && b != '\t' && b != '\r') {
                    lastLineIsTrailer = false;
                    state = SKIP_LINE;
                }
                return true;
            case HEAD:
                matchHead(b);
                return true;
            case COLLECT:
                if (b == '\n') {
                    endCollectedLine();
                    state = LINE_START;
                } else if (lineLen < LINE_CAPACITY) {
                    line[lineLen++] = b;
                }
                return true;
            case IDENT:
                if (b == '`') {
                    state = IDENT_TICK;
                } else if (nameLen < NAME_CAPACITY) {
                    name[nameLen++] = b;
                }
                return true;
            case IDENT_TICK:
                if (b == '`') {
                    if (nameLen < NAME_CAPACITY) {
                        name[nameLen++] = b;
                    }
                    state = IDENT;
                    return true;
                }
                endIdent();
                return false;
            case HEADER:
                header(b);
                return true;
            case HEADER_IDENT:
                if (b == '`') {
                    state = HEADER;
                }
                return true;
            default:
                throw new IllegalStateException("unexpected state " + state);
        }
    }

    private void matchHead(byte b) {
        if (b == '\n') {
            state = LINE_START; // a short line that matched nothing
            return;
        }
        int k = lineLen;
        line[lineLen++] = b;
        int alive = candidates;
        for (int c = 0; c < PREFIXES.length; c++) {
            int bit = 1 << c;
            if ((alive & bit) == 0) {
                continue;
            }
            byte[] prefix = PREFIXES[c];
            if (prefix[k] != b) {
                alive &= ~bit;
            } else if (k + 1 == prefix.length) {
                fire(ACTIONS[c]);
                return;
            }
        }
        candidates = alive;
        if (alive == 0) {
            state = SKIP_LINE;
        }
    }

    private void fire(int action) {
        switch (action) {
            case ACT_CREATE:
            case ACT_INSERT:
                identAction = action;
                nameLen = 0;
                state = IDENT;
                break;
            case ACT_TRAILER:
                lastLineIsTrailer = true;
                state = SKIP_LINE;
                break;
            default:
                collectAction = action;
                state = COLLECT;
                break;
        }
    }

    private void endIdent() {
        long[] rows = tables.computeIfAbsent(identName(), k -> new long[1]);
        if (identAction == ACT_INSERT) {
            currentRows = rows;
            valuesMatch = 0;
            state = HEADER;
        } else {
            state = SKIP_LINE;
        }
    }

    private String identName() {
        if (lastName == null || !Arrays.equals(name, 0, nameLen, lastNameBytes, 0, lastNameBytes.length)) {
            lastNameBytes = Arrays.copyOf(name, nameLen);
            lastName = new String(lastNameBytes, StandardCharsets.UTF_8);
        }
        return lastName;
    }

    private void header(byte b) {
        if (b == '`') {
            state = HEADER_IDENT;
            valuesMatch = 0;
        } else if (b == ';') {
            state = SKIP_LINE; // INSERT without VALUES: not something mariadb-dump writes
        } else if (b == VALUES[valuesMatch]) {
            if (++valuesMatch == VALUES.length) {
                depth = 0;
                inString = false;
                escaped = false;
                state = TUPLES;
            }
        } else {
            valuesMatch = b == VALUES[0] ? 1 : 0;
        }
    }

    private void endCollectedLine() {
        int len = lineLen;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        String text = new String(line, 0, len, StandardCharsets.UTF_8);
        switch (collectAction) {
            case ACT_BINLOG -> {
                Matcher file = BINLOG_FILE.matcher(text);
                Matcher pos = BINLOG_POS.matcher(text);
                if (file.find() && pos.find()) {
                    binlogPosition = new BinlogPosition(file.group(1), Long.parseLong(pos.group(1)));
                    binlogPositionSeenAt = java.time.Instant.now();
                }
            }
            case ACT_GTID -> {
                Matcher gtid = GTID.matcher(text);
                if (gtid.find() && !gtid.group(1).isBlank()) {
                    gtidPosition = gtid.group(1).strip();
                }
            }
            case ACT_DELIMITER -> {
                String delimiter = text.substring("DELIMITER ".length()).strip();
                inDelimiterBlock = !delimiter.equals(";");
            }
            default -> throw new IllegalStateException("unexpected action " + collectAction);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
