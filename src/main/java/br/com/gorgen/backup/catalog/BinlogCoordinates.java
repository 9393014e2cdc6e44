package br.com.gorgen.backup.catalog;

/** Binary-log position of a dump's snapshot (start of point-in-time recovery), with the GTID position if any. */
public record BinlogCoordinates(String file, long position, String gtid) {
    public static final String PROPERTY = "BackupBinlogCoordinates";

    /**
     * The identity of a source server in the catalog and in binary-log object keys. MariaDB has no server UUID and its
     * server_uid changes with the port, so the operator-set server_id it is; a failover to a replica (which must have
     * another server_id) or a renumbering of the logs never reuses a key, because keys also carry the file's first
     * event time.
     */
    public static String sourceId(long serverId) {
        return "server-" + serverId;
    }
}
