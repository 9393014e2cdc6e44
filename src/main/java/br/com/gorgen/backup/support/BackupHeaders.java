package br.com.gorgen.backup.support;

/** Names of the message headers and exchange properties the routes pass between steps. */
public final class BackupHeaders {
    private BackupHeaders() {
    }

    /** Id of the backup_history row of the running backup. */
    public static final String BACKUP_ID = "BackupId";
    /** full, incremental or transactional. */
    public static final String BACKUP_TYPE = "BackupType";
    /** Who asked: "scheduler" or "api:&lt;key name&gt;". */
    public static final String REQUESTED_BY = "BackupRequestedBy";
    /** Object key of the backup artifact and of its manifest. */
    public static final String OBJECT_KEY = "BackupObjectKey";
    public static final String MANIFEST_KEY = "BackupManifestKey";
    /**
     * True on a backup that must not be followed by the retention clean-up (the safety backup of a production
     * restore). The clean-up could not delete what that restore reads anyway (it is pinned); it simply has no place
     * in the middle of a restore.
     */
    public static final String NO_CLEANUP_AFTER = "BackupNoCleanupAfter";
    /** Start instant (java.time.Instant). */
    public static final String STARTED_AT = "BackupStartedAt";

    /** What the store routes upload and verify: a local file, its object key, its SHA-256 and content type. */
    public static final String STORE_FILE = "BackupStoreFile";
    public static final String STORE_KEY = "BackupStoreKey";
    public static final String STORE_SHA256 = "BackupStoreSha256";
    public static final String STORE_CONTENT_TYPE = "BackupStoreContentType";
    /** The ETag the server should answer the upload with (see {@code S3Etag}). */
    public static final String STORE_ETAG = "BackupStoreEtag";
    /**
     * How a stored object is checked: {@code readback} (the default: download it and compare its SHA-256) or
     * {@code etag} (the server's ETag equals the MD5 computed while writing; read back only when it does not).
     */
    public static final String STORE_VERIFY = "BackupStoreVerify";

    /** Exchange properties holding the intermediate results of a run. */
    public static final String PROP_DUMP = "BackupDump";
    public static final String PROP_ARCHIVE = "BackupArchive";
    public static final String PROP_WORK_DIR = "BackupWorkDir";
    /** Point-in-time facts to record with the history row ({@code BackupRecord.Coverage}). */
    public static final String PROP_COVERAGE = "BackupCoverage";
    /** A note about the run the history row, manifest and notification carry (e.g. an incremental that became full). */
    public static final String NOTES = "BackupNotes";

    /** Notification headers. */
    public static final String NOTIFY_SEVERITY = "NotifySeverity";
    public static final String NOTIFY_BY_MAIL = "NotifyByMail";

    /** Caller identity set by the API authenticator. */
    public static final String API_CALLER = "ApiCaller";
    public static final String API_ROLE = "ApiRole";
}
