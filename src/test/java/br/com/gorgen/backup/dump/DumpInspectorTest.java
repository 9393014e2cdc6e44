package br.com.gorgen.backup.dump;

import static br.com.gorgen.backup.dump.DumpSamples.TRICKY;
import static br.com.gorgen.backup.dump.DumpSamples.TRICKY_ROWS;
import static br.com.gorgen.backup.dump.DumpSamples.chunked;
import static br.com.gorgen.backup.dump.DumpSamples.orderedRows;
import static br.com.gorgen.backup.dump.DumpSamples.utf8;
import static br.com.gorgen.backup.dump.DumpSamples.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import br.com.gorgen.backup.dump.DumpSamples.Result;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpInspectorTest {

    @Test
    void extractsEverythingFromATrickyDump() {
        Result result = whole(utf8(TRICKY));

        assertThat(result.rows()).containsExactlyEntriesOf(TRICKY_ROWS);
        assertThat(result.binlog()).contains(new BinlogPosition("binlog.000005", 53020));
        assertThat(result.gtid()).contains("0-1-31,1-2-7");
        assertThat(result.completed()).isTrue();
        assertThat(result.bytes()).isEqualTo(utf8(TRICKY).length);
    }

    @Test
    void resultsDoNotDependOnWhereAnyTwoChunksMeet() {
        byte[] data = utf8(TRICKY);
        Result expected = whole(data);
        for (int split = 0; split <= data.length; split++) {
            DumpInspector inspector = new DumpInspector();
            inspector.update(data, 0, split);
            inspector.update(data, split, data.length - split);
            inspector.finish();
            assertThat(Result.of(inspector)).as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void oneByteChunksGiveTheSameResult() {
        byte[] data = utf8(TRICKY);
        assertThat(chunked(data, 1)).isEqualTo(whole(data));
        assertThat(chunked(data, 1, 2, 3, 5, 7, 11)).isEqualTo(whole(data));
    }

    @Test
    void backslashAtTheEndOfAChunkEscapesTheFirstByteOfTheNext() {
        String dump = "CREATE TABLE `t` (\n  `s` text\n);\n"
                + "INSERT INTO `t` VALUES ('x\\'),('),(2);\n-- Dump completed\n";
        byte[] data = utf8(dump);
        int backslash = dump.indexOf('\\');

        DumpInspector inspector = new DumpInspector();
        inspector.update(data, 0, backslash + 1); // chunk ends with the backslash
        inspector.update(data, backslash + 1, data.length - backslash - 1);
        inspector.finish();

        assertThat(inspector.rowCounts()).containsExactlyEntriesOf(Map.of("t", 2L));
        assertThat(inspector.completed()).isTrue();
    }

    @Test
    void escapedBackslashBeforeTheClosingQuoteEndsTheString() {
        String dump = "INSERT INTO `t` VALUES ('a\\\\'),('b\\\\\\\\'),(3);\n-- Dump completed\n";
        for (int size = 1; size <= 4; size++) {
            assertThat(chunked(utf8(dump), size).rows()).containsExactlyEntriesOf(Map.of("t", 3L));
        }
    }

    @Test
    void tableNamesWithDoubledBackticksAndUnicodeAreUnescaped() {
        String dump = """
                CREATE TABLE `a``b``` (
                  `id` int
                );
                CREATE TABLE `ação😀` (
                  `id` int
                );
                INSERT INTO `a``b``` VALUES (1);
                INSERT INTO `ação😀` VALUES (1),(2);
                -- Dump completed
                """;
        assertThat(chunked(utf8(dump), 1).rows())
                .containsExactlyEntriesOf(orderedRows("a`b`", 1L, "ação😀", 2L));
    }

    @Test
    void emptyTablesCountZeroAndOrderIsOrderOfAppearance() {
        String dump = """
                CREATE TABLE `z` (
                  `id` int
                );
                CREATE TABLE `a` (
                  `id` int
                );
                INSERT INTO `a` VALUES (1);
                INSERT INTO `orphan` VALUES (1),(2);
                CREATE TABLE `m` (
                  `id` int
                );
                -- Dump completed
                """;
        Result result = whole(utf8(dump));
        assertThat(result.rows()).containsExactlyEntriesOf(orderedRows("z", 0L, "a", 1L, "orphan", 2L, "m", 0L));
    }

    @Test
    void rowsOfSeveralInsertStatementsAreAdded() {
        StringBuilder dump = new StringBuilder("CREATE TABLE `big` (\n  `id` int\n);\n");
        for (int statement = 0; statement < 10; statement++) {
            dump.append("INSERT INTO `big` VALUES ");
            for (int row = 0; row < 100; row++) {
                dump.append(row == 0 ? "" : ",").append("(").append(row).append(",'r(").append(row).append("')')");
            }
            dump.append(";\n");
        }
        dump.append("-- Dump completed\n");
        DumpInspector inspector = new DumpInspector();
        inspector.update(utf8(dump.toString()));
        inspector.finish();
        assertThat(inspector.rowCounts()).containsExactlyEntriesOf(Map.of("big", 1000L));
        assertThat(inspector.totalRows()).isEqualTo(1000L);
    }

    @Test
    void columnListIsNotARow() {
        String dump = "INSERT INTO `t` (`VALUES`, `(b)`, `c``d`) VALUES (1,2,3),(4,5,6);\n-- Dump completed\n";
        assertThat(whole(utf8(dump)).rows()).containsExactlyEntriesOf(Map.of("t", 2L));
    }

    @Test
    void nestedParenthesesInsideATupleDoNotCountAsRows() {
        String dump = "INSERT INTO `t` VALUES (1,POINT(1,2)),(2,(3));\n-- Dump completed\n";
        assertThat(whole(utf8(dump)).rows()).containsExactlyEntriesOf(Map.of("t", 2L));
    }

    @Test
    void statementsInsideDelimiterBlocksAreIgnored() {
        String dump = """
                CREATE TABLE `log` (
                  `id` int
                );
                DELIMITER ;;
                CREATE PROCEDURE `p`()
                BEGIN
                INSERT INTO `log` VALUES (1),(2),(3);
                CREATE TABLE `tmp` (id int);
                END ;;
                DELIMITER ;
                INSERT INTO `log` VALUES (9);
                -- Dump completed
                """;
        assertThat(whole(utf8(dump)).rows()).containsExactlyEntriesOf(Map.of("log", 1L));
    }

    @Test
    void binlogAndGtidAreAlsoReadWhenNotCommented() {
        String dump = """
                CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000123', MASTER_LOG_POS=4;
                SET GLOBAL gtid_slave_pos='0-1-5';
                CREATE TABLE `t` (
                  `id` int
                );
                -- Dump completed
                """;
        Result result = whole(utf8(dump));
        assertThat(result.binlog()).contains(new BinlogPosition("mysql-bin.000123", 4));
        assertThat(result.gtid()).contains("0-1-5");
    }

    @Test
    void noBinlogOrGtidWhenAbsentOrEmpty() {
        String dump = """
                -- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;
                -- SET GLOBAL gtid_slave_pos='';
                CREATE TABLE `t` (
                  `id` int
                );
                -- Dump completed
                """;
        Result result = whole(utf8(dump));
        assertThat(result.binlog()).isEmpty();
        assertThat(result.gtid()).isEmpty();
    }

    @Test
    void trailerWithoutDateAndWithoutFinalNewlineCounts() {
        assertThat(whole(utf8("CREATE TABLE `t` (\n);\n-- Dump completed")).completed()).isTrue();
        assertThat(whole(utf8("CREATE TABLE `t` (\n);\n-- Dump completed\n")).completed()).isTrue();
        assertThat(whole(utf8("CREATE TABLE `t` (\n);\n-- Dump completed on 2026-01-05  3:00:00\n\n  \n\n"))
                .completed()).isTrue();
    }

    @Test
    void trailerFollowedByMoreContentDoesNotCount() {
        assertThat(whole(utf8("-- Dump completed\nINSERT INTO `t` VALUES (1);\n")).completed()).isFalse();
        assertThat(whole(utf8("-- Dump completed\n/* more */\n")).completed()).isFalse();
        assertThat(whole(utf8("   -- Dump completed\n")).completed()).as("not at line start").isFalse();
        assertThat(whole(utf8("-- Dump complete\n")).completed()).isFalse();
        assertThat(whole(new byte[0]).completed()).isFalse();
    }

    @Test
    void trailerTextInsideTheLastStringIsNotTheTrailer() {
        String dump = "CREATE TABLE `t` (\n);\nINSERT INTO `t` VALUES\n(1,'\\n-- Dump completed'),\n(2,'";
        Result result = whole(utf8(dump));
        assertThat(result.completed()).isFalse();
        assertThat(result.rows()).containsExactlyEntriesOf(Map.of("t", 2L));
    }

    @Test
    void truncatedDumpIsNotCompleted() {
        byte[] data = utf8(TRICKY);
        int trailer = TRICKY.indexOf("-- Dump completed on 2026-01-05  3:00:00");
        byte[] cut = java.util.Arrays.copyOf(data, utf8(TRICKY.substring(0, trailer)).length);

        Result result = whole(cut);
        assertThat(result.completed()).isFalse();
        assertThat(result.rows()).isEqualTo(TRICKY_ROWS);
        assertThat(result.gtid()).contains("0-1-31,1-2-7");
    }

    @Test
    void dumpCutInTheMiddleOfAnInsertIsNotCompletedAndCountsWhatItSaw() {
        String prefix = TRICKY.substring(0, TRICKY.indexOf("(3,'VALUES (9)") + 6);
        Result result = whole(utf8(prefix));
        assertThat(result.completed()).isFalse();
        assertThat(result.rows()).containsExactlyEntriesOf(orderedRows("empty_t", 0L, "items", 3L));
        assertThat(result.binlog()).contains(new BinlogPosition("binlog.000005", 53020));
        assertThat(result.gtid()).isEmpty();
    }

    @Test
    void everyTruncationOfTheTrickyDumpIsIncompleteWhateverTheCut() {
        byte[] data = utf8(TRICKY);
        int trailerStart = utf8(TRICKY.substring(0, TRICKY.indexOf("-- Dump completed on 2026"))).length;
        for (int cut = 0; cut < trailerStart; cut++) {
            assertThat(whole(java.util.Arrays.copyOf(data, cut)).completed()).as("cut at %d", cut).isFalse();
        }
    }

    @Test
    void hugeLinesNeedNoMemory() {
        // one 8 MiB string inside one INSERT: the inspector must stream through it
        DumpInspector inspector = new DumpInspector();
        inspector.update(utf8("INSERT INTO `blob` VALUES (1,'"));
        byte[] filler = new byte[64 * 1024];
        java.util.Arrays.fill(filler, (byte) 'x');
        filler[100] = '(';
        filler[200] = ')';
        filler[300] = ',';
        for (int i = 0; i < 128; i++) {
            inspector.update(filler);
        }
        inspector.update(utf8("'),(2,'y');\n-- Dump completed\n"));
        inspector.finish();
        assertThat(inspector.rowCounts()).containsExactlyEntriesOf(Map.of("blob", 2L));
        assertThat(inspector.completed()).isTrue();
    }

    @Test
    void updateAfterFinishIsRejected() {
        DumpInspector inspector = new DumpInspector();
        inspector.finish();
        inspector.finish(); // idempotent
        assertThatThrownBy(() -> inspector.update(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new DumpInspector().update(new byte[1], 1, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void rowCountsIsAnUnmodifiableSnapshot() {
        DumpInspector inspector = new DumpInspector();
        inspector.update(utf8("INSERT INTO `t` VALUES (1);\n"));
        Map<String, Long> before = inspector.rowCounts();
        inspector.update(utf8("INSERT INTO `t` VALUES (2);\n"));
        assertThat(before).containsEntry("t", 1L);
        assertThat(inspector.rowCounts()).containsEntry("t", 2L);
        assertThatThrownBy(() -> before.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aDumpCutInsideABacktickQuotedNameRecordsNoTableOfThatName() {
        // found by the property test: the cut fell between the two backticks of an escaped `` in a table name
        DumpInspector inspector = new DumpInspector();
        inspector.update(utf8("CREATE TABLE `tx_1``"));
        inspector.finish();
        assertThat(inspector.rowCounts()).isEmpty();
        assertThat(inspector.completed()).isFalse();
    }

    @Test
    void countsEveryRowOfALargeDumpFedInBufferSizedChunks() {
        // speed is measured by bench/full-backup.sh, not here: tests assert behaviour only
        byte[] data = syntheticInsertData(8 * 1024 * 1024);
        DumpInspector inspector = new DumpInspector();
        for (int off = 0; off < data.length; off += 65536) {
            inspector.update(data, off, Math.min(65536, data.length - off));
        }
        inspector.finish();
        String text = new String(data, StandardCharsets.UTF_8);
        long statements = 0;
        for (int i = text.indexOf("INSERT INTO `t` VALUES "); i >= 0; i = text.indexOf("INSERT INTO `t` VALUES ", i + 1)) {
            statements++;
        }
        assertThat(inspector.rowCounts()).containsEntry("t", statements * 2000);
        assertThat(inspector.bytes()).isEqualTo(data.length);
    }

    /** Realistic INSERT statements: numbers, quoted text with escapes and UTF-8, hex blobs. */
    static byte[] syntheticInsertData(int approximateSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(approximateSize + 1_100_000);
        byte[] header = "CREATE TABLE `t` (\n  `id` int\n);\n".getBytes(StandardCharsets.UTF_8);
        out.writeBytes(header);
        StringBuilder statement = new StringBuilder();
        int id = 0;
        while (out.size() < approximateSize) {
            statement.setLength(0);
            statement.append("INSERT INTO `t` VALUES ");
            for (int row = 0; row < 2000; row++, id++) {
                statement.append(row == 0 ? "(" : ",(").append(id)
                        .append(",'Paciente João da Conceição nº ").append(id)
                        .append(" obs: \\'urgente\\' (retorno), ok','2026-01-05 10:00:00',")
                        .append(id % 7 == 0 ? "NULL" : "0x89504E470D0A1A0A0000000D49484452")
                        .append(",").append(id * 31 % 1000).append(".25)");
            }
            statement.append(";\n");
            out.writeBytes(statement.toString().getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("-- Dump completed\n".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
