package br.com.gorgen.backup.catalog;

/** Binary-log position of a dump's snapshot (start of point-in-time recovery), with the GTID position if any. */
public record BinlogCoordinates(String file, long position, String gtid) {
    public static final String PROPERTY = "BackupBinlogCoordinates";
}
