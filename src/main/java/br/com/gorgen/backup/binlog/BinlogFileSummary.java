package br.com.gorgen.backup.binlog;

import java.time.Instant;

/**
 * What a binary-log file holds, read from its event headers: the time of its first and last events, its positions,
 * the server that wrote it, its GTID range (MariaDB GTID events) and whether it was closed cleanly (a rotate or stop
 * event at its end and the in-use flag clear). Never any row data.
 */
public record BinlogFileSummary(
        String fileName,
        long sizeBytes,
        Instant firstEventAt,
        Instant lastEventAt,
        long startPosition,
        long endPosition,
        long serverId,
        String gtidFirst,
        String gtidLast,
        long transactions,
        boolean closed) {

    /** The GTID range as "first..last", or null when the server wrote no GTID events. */
    public String gtidRange() {
        return gtidFirst == null ? null : gtidFirst.equals(gtidLast) ? gtidFirst : gtidFirst + ".." + gtidLast;
    }
}
