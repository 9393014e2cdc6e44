package br.com.gorgen.backup.dump;

import static br.com.gorgen.backup.dump.DumpSamples.TRICKY;
import static br.com.gorgen.backup.dump.DumpSamples.chunked;
import static br.com.gorgen.backup.dump.DumpSamples.utf8;
import static br.com.gorgen.backup.dump.DumpSamples.whole;
import static org.assertj.core.api.Assertions.assertThat;

import br.com.gorgen.backup.dump.DumpSamples.Result;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of {@link DumpInspector}: chunking never changes the results; generated dumps are counted right. */
class DumpInspectorPropertiesTest {

    private static final byte[] TRICKY_BYTES = utf8(TRICKY);
    private static final Result TRICKY_RESULT = whole(TRICKY_BYTES);

    @Property(tries = 300)
    void chunkBoundariesDoNotChangeTheResults(@ForAll("chunkSizes") int[] sizes) {
        assertThat(chunked(TRICKY_BYTES, sizes)).isEqualTo(TRICKY_RESULT);
    }

    @Property(tries = 200)
    void generatedDumpsAreCountedExactlyWhateverTheChunking(@ForAll("dumps") GeneratedDump dump,
                                                           @ForAll("chunkSizes") int[] sizes) {
        byte[] data = utf8(dump.text());

        Result result = chunked(data, sizes);

        assertThat(result.rows()).containsExactlyEntriesOf(dump.rows());
        assertThat(result.completed()).isTrue();
        assertThat(result.binlog()).contains(new BinlogPosition("binlog.000042", dump.binlogPos()));
        assertThat(result.gtid()).contains("0-1-" + dump.binlogPos());
        assertThat(result.bytes()).isEqualTo(data.length);
        assertThat(result).isEqualTo(whole(data));
    }

    @Property(tries = 200)
    void aDumpCutBeforeItsTrailerIsNeverCompleted(@ForAll("dumps") GeneratedDump dump,
                                                  @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed,
                                                  @ForAll("chunkSizes") int[] sizes) {
        byte[] data = utf8(dump.text());
        int trailerStart = utf8(dump.text().substring(0, dump.text().lastIndexOf("-- Dump completed"))).length;
        int cut = cutSeed % (trailerStart + 1);

        Result result = chunked(Arrays.copyOf(data, cut), sizes);

        assertThat(result.completed()).isFalse();
        result.rows().forEach((table, rows) -> assertThat(rows).isLessThanOrEqualTo(dump.rows().get(table)));
    }

    @Provide
    Arbitrary<int[]> chunkSizes() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(1)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(1, 16)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 512)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 100_000)));
        return size.list().ofMinSize(1).ofMaxSize(40)
                .map(list -> list.stream().mapToInt(Integer::intValue).toArray());
    }

    // ---- generated dumps ------------------------------------------------------------------------------------

    /** A generated dump text and the row counts it must yield. */
    record GeneratedDump(String text, Map<String, Long> rows, long binlogPos) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** A table to render: name and its rows (each row a list of SQL values already rendered). */
    record Table(String name, List<List<String>> rows, int layout) {
    }

    @Provide
    Arbitrary<GeneratedDump> dumps() {
        Arbitrary<List<Table>> tables = table().list().ofMinSize(1).ofMaxSize(5)
                .uniqueElements(Table::name);
        return Combinators.combine(tables, Arbitraries.longs().between(4, 1L << 40))
                .as(DumpInspectorPropertiesTest::render);
    }

    private Arbitrary<Table> table() {
        Arbitrary<String> name = Arbitraries.of("t", "x_1", "`", "``", "ação", "😀", " ", "(", "'", "\\", "VALUES")
                .list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("", parts));
        Arbitrary<List<List<String>>> rows = value().list().ofMinSize(1).ofMaxSize(4).list().ofMaxSize(12);
        return Combinators.combine(name, rows, Arbitraries.integers().between(0, 3)).as(Table::new);
    }

    private Arbitrary<String> value() {
        Arbitrary<String> text = Arbitraries.of("a", "'", "\\", "(", ")", ",", ";", "),(", "VALUES (", "\n", "\r",
                        "\0", "\u001a", "-- Dump completed", "ção", "😀", "`", "\"", "0x1F", "_binary '", " ", "\\'")
                .list().ofMaxSize(10).map(parts -> sqlString(String.join("", parts)));
        return Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.just("NULL"),
                text,
                text.map(s -> "_binary " + s),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(DumpInspectorPropertiesTest::hex));
    }

    private static GeneratedDump render(List<Table> tables, long binlogPos) {
        StringBuilder out = new StringBuilder();
        Map<String, Long> rows = new LinkedHashMap<>();
        out.append("-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n--\n");
        out.append("-- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000042', MASTER_LOG_POS=").append(binlogPos)
                .append(";\n\n");
        for (Table table : tables) {
            String quoted = "`" + table.name().replace("`", "``") + "`";
            out.append("--\n-- Table structure for table ").append(quoted).append("\n--\n\n");
            out.append("DROP TABLE IF EXISTS ").append(quoted).append(";\n");
            out.append("CREATE TABLE ").append(quoted).append(" (\n  `c` text COMMENT 'x),(y'\n) ENGINE=InnoDB;\n");
            out.append("LOCK TABLES ").append(quoted).append(" WRITE;\n");
            renderInserts(out, quoted, table);
            out.append("UNLOCK TABLES;\n\n");
            rows.put(table.name(), (long) table.rows().size());
        }
        out.append("-- SET GLOBAL gtid_slave_pos='0-1-").append(binlogPos).append("';\n");
        out.append("/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n\n");
        out.append("-- Dump completed on 2026-01-05  3:00:00\n");
        return new GeneratedDump(out.toString(), rows, binlogPos);
    }

    /** Renders the rows as one or more extended INSERTs, in the layout chosen for the table. */
    private static void renderInserts(StringBuilder out, String quoted, Table table) {
        List<List<String>> rows = table.rows();
        int perStatement = table.layout() == 3 ? 3 : Integer.MAX_VALUE;
        for (int start = 0; start < rows.size(); start += perStatement) {
            List<List<String>> part = rows.subList(start, Math.min(rows.size(), start + perStatement));
            switch (table.layout()) {
                case 1 -> out.append("INSERT IGNORE INTO ").append(quoted).append(" VALUES ");
                case 2 -> out.append("INSERT INTO ").append(quoted).append(" (`a`, `b``c`) VALUES ");
                default -> out.append("INSERT INTO ").append(quoted).append(" VALUES");
            }
            boolean multiLine = table.layout() == 0 || table.layout() == 3;
            for (int i = 0; i < part.size(); i++) {
                out.append(i == 0 ? (multiLine ? "\n" : "") : (multiLine ? ",\n" : ","));
                out.append('(').append(String.join(",", part.get(i))).append(')');
            }
            out.append(";\n");
        }
    }

    /** Quotes a string the way mariadb-dump does (mysql_real_escape_string). */
    static String sqlString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\0' -> out.append("\\0");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '"' -> out.append("\\\"");
                case '\u001a' -> out.append("\\Z");
                default -> out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    private static String hex(byte[] bytes) {
        if (bytes.length == 0) {
            return "''";
        }
        StringBuilder out = new StringBuilder("0x");
        for (byte b : bytes) {
            out.append(String.format("%02X", b));
        }
        return out.toString();
    }
}
