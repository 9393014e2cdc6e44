package br.com.gorgen.backup.restore;

/** Headers and exchange properties of a restore run. */
public final class RestoreHeaders {
    private RestoreHeaders() {
    }

    public static final String RESTORE_ID = "RestoreId";
    public static final String BACKUP_ID = "RestoreBackupId";
    public static final String KIND = "RestoreKind";
    public static final String TARGET_DATABASE = "RestoreTargetDatabase";
    public static final String REQUESTED_BY = "RestoreRequestedBy";
    public static final String STARTED_AT = "RestoreStartedAt";
    /**
     * Exchange property: the ids of every backup a restore reads (a point-in-time plan's full backup, incrementals and
     * binary logs), pinned for as long as it runs; absent: the backup itself.
     */
    public static final String PROP_BACKUPS_READ = "RestoreBackupsRead";
    /**
     * Exchange property: whether a production restore makes the server read-only for its switch (the API's
     * {@code "readOnly"}, true unless asked otherwise).
     */
    public static final String PROP_READ_ONLY = "RestoreReadOnly";
    /** Exchange property: what the load did that the restore's record should say (definers kept or replaced). */
    public static final String PROP_NOTES = "RestoreNotes";
    /** The copy chosen for the restore (after checksum verification). */
    public static final String PROP_SOURCE = "RestoreSource";
    /** The manifest of the backup being restored. */
    public static final String PROP_MANIFEST = "RestoreManifest";
    /** The validation result. */
    public static final String PROP_VALIDATION = "RestoreValidation";
    /** Recovery time (start to validated) and data age (now minus the backup's snapshot), in seconds. */
    public static final String RTO_SECONDS = "RestoreRtoSeconds";
    public static final String RPO_SECONDS = "RestoreRpoSeconds";
    /** Text of a problem found with one copy (for the CRITICAL alert about it). */
    public static final String BAD_COPY = "RestoreBadCopy";
    /** The point a point-in-time restore recovers, as asked (text), and the instant the data is as of. */
    public static final String POINT_IN_TIME = "RestorePointInTime";
    public static final String DATA_AS_OF = "RestoreDataAsOf";
}
