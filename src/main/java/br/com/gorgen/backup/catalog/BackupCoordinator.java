package br.com.gorgen.backup.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.WorkFolders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the life cycle of one backup run: claims the single run slot, opens the history row, and closes it as
 * success or failure (removing partial objects and the local work folder). One backup at a time per service.
 */
public class BackupCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(BackupCoordinator.class);

    private final BackupHistory history;
    private final BackupKeyLayout layout;
    private final BackupBuckets buckets;
    private final Path spoolDir;
    private final Clock clock;
    private final BackupMetrics metrics;
    private final FolderOwners owners;
    private final RunLanes lanes = new RunLanes();
    private final java.util.Set<Long> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Header set when a failure of this backup was already recorded and alerted (parallel steps failing together). */
    public static final String FAILURE_ALREADY_REPORTED = "BackupFailureAlreadyReported";
    private static final String STORED_BUT_UNRECORDED = "BackupStoredButUnrecorded";
    private static final String BACKUP_ID_PROPERTY = "BackupIdOfThisRun";

    public BackupCoordinator(BackupHistory history, BackupKeyLayout layout, BackupBuckets buckets, Path spoolDir, Clock clock,
            BackupMetrics metrics) {
        this.metrics = metrics;
        this.owners = new FolderOwners(history, buckets);
        this.history = history;
        this.layout = layout;
        this.buckets = buckets;
        this.spoolDir = spoolDir;
        this.clock = clock;
    }

    /** The id of the running database backup (full or incremental), if any. */
    public Optional<Long> runningId() {
        return lanes.get("database");
    }

    /** The id of the running documents backup, if any. */
    public Optional<Long> runningDocumentsId() {
        return lanes.get("documents").filter(id -> id > 0);
    }

    /** The value a lane holds while the retention clean-up collects what its backups stored (no run of it starts). */
    public static final long CLEANUP_HOLD = RunLanes.CLEANUP_HOLD;
    /** How long a backup asked for while the clean-up holds its lane waits for it (the hold lasts seconds). */
    private static final long HOLD_WAIT_MS = 10 * 60_000L;

    /**
     * Holds a lane for the retention clean-up; false (nothing held) when a backup of it runs. A backup asked for
     * meanwhile waits for {@link #releaseHold}.
     */
    public boolean hold(String lane) {
        return lanes.hold(lane);
    }

    public void releaseHold(String lane) {
        lanes.releaseHold(lane);
    }

    static String laneOf(String type) {
        return "transactional".equals(type) ? null : type.startsWith("documents") ? "documents" : "database";
    }

    /**
     * Claims the run slot and records a 'running' row. Headers in: {@link BackupHeaders#BACKUP_TYPE},
     * {@link BackupHeaders#REQUESTED_BY}. Headers out: id, start time, object and manifest keys, work folder.
     */
    public void begin(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String type = in.getHeader(BackupHeaders.BACKUP_TYPE, "full", String.class);
        String requestedBy = in.getHeader(BackupHeaders.REQUESTED_BY, "scheduler", String.class);
        // one backup at a time per lane: the database (full, incremental) and the documents run side by side, and
        // binary-log shipping takes no lane (it must not wait for a long dump)
        String lane = laneOf(type);
        boolean claims = lane != null;
        long placeholder = -1;
        if (claims) {
            lanes.claim(lane, placeholder, HOLD_WAIT_MS);
        }
        exchange.removeProperty(STORED_BUT_UNRECORDED);
        exchange.removeProperty(BackupHeaders.PROP_COVERAGE);
        exchange.removeProperty(BinlogCoordinates.PROPERTY);
        exchange.removeProperty(BACKUP_ID_PROPERTY);
        in.removeHeader(BackupHeaders.OBJECT_KEY);
        in.removeHeader(BackupHeaders.MANIFEST_KEY);
        try {
            Instant startedAt = clock.instant();
            long id;
            try {
                id = history.insertRunning(type, startedAt, requestedBy);
            } catch (SQLException e) {
                throw new CatalogUnavailableException("the catalog database is unreachable, no backup can start: "
                        + ErrorMessages.describe(e), e);
            }
            if (claims) {
                lanes.set(lane, id);
            }
            exchange.setProperty(BACKUP_ID_PROPERTY, id); // survives any header clean-up downstream
            in.setHeader(BackupHeaders.BACKUP_ID, id);
            if (claims) {
                locate(exchange, layout.artifact(type, startedAt, id), layout.manifestOf(type, startedAt, id));
            }
            Path workDir = spoolDir.resolve("backup-" + id);
            Files.createDirectories(spoolDir);
            Files.createDirectory(workDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            in.setHeader(BackupHeaders.STARTED_AT, startedAt);
            exchange.setProperty(BackupHeaders.PROP_WORK_DIR, workDir);
            LOG.info("Backup {} ({}) started by {}", id, type, requestedBy);
        } catch (Exception e) {
            Long id = exchange.getProperty(BACKUP_ID_PROPERTY, Long.class);
            if (claims) {
                lanes.remove(lane);
            }
            if (id != null && id > 0) {
                safeMarkFailed(id, "could not start: " + ErrorMessages.describe(e));
            }
            throw e;
        }
    }

    /** Sets where the backup's artifact and manifest go (once known: a binary log's key depends on its content). */
    public void locate(Exchange exchange, String objectKey, String manifestKey) throws SQLException {
        long id = exchange.getProperty(BACKUP_ID_PROPERTY, Long.class);
        history.setPaths(id, objectKey, manifestKey);
        exchange.getIn().setHeader(BackupHeaders.OBJECT_KEY, objectKey);
        exchange.getIn().setHeader(BackupHeaders.MANIFEST_KEY, manifestKey);
    }

    /** The id of the backup the exchange is running, or null before {@link #begin}. */
    public static Long idOf(Exchange exchange) {
        return exchange.getProperty(BACKUP_ID_PROPERTY, Long.class);
    }

    /** Records success. The artifact and its manifest are stored and verified in both buckets by now. */
    public void complete(Exchange exchange) throws CatalogUnavailableException {
        Message in = exchange.getIn();
        long id = exchange.getProperty(BACKUP_ID_PROPERTY, Long.class);
        ArchiveResult archive = exchange.getProperty(BackupHeaders.PROP_ARCHIVE, ArchiveResult.class);
        BinlogCoordinates binlog = exchange.getProperty(BinlogCoordinates.PROPERTY, BinlogCoordinates.class);
        Instant completedAt = clock.instant();
        try {
            history.markSuccess(id, completedAt, archive.storedBytes(), archive.storedSha256(), archive.plainBytes(),
                    archive.plainSha256(), binlog == null ? null : binlog.file(), binlog == null ? null : binlog.position());
            BackupRecord.Coverage coverage = exchange.getProperty(BackupHeaders.PROP_COVERAGE, BackupRecord.Coverage.class);
            if (coverage != null) {
                history.setCoverage(id, coverage);
                if (coverage.lastEventAt() != null) {
                    metrics.coveredUntil(in.getHeader(BackupHeaders.BACKUP_TYPE, String.class), coverage.lastEventAt());
                }
            }
            metrics.succeeded(in.getHeader(BackupHeaders.BACKUP_TYPE, String.class),
                    in.getHeader(BackupHeaders.STARTED_AT, Instant.class), completedAt, archive.storedBytes());
            LOG.info("Backup {} succeeded: {} bytes stored, sha256 {}", id, archive.storedBytes(), archive.storedSha256());
        } catch (SQLException e) {
            // the backup itself is complete (artifact and manifest verified in both buckets): keep it
            exchange.setProperty(STORED_BUT_UNRECORDED, true);
            throw new CatalogUnavailableException("backup " + id + " is stored and verified in both buckets (manifest "
                    + in.getHeader(BackupHeaders.MANIFEST_KEY, String.class) + "), but its history row could not be "
                    + "marked success: " + ErrorMessages.describe(e), e);
        } finally {
            release(exchange, id);
        }
    }

    /**
     * Records a failure: the history row gets a readable message, the objects already written for this backup
     * are deleted from both buckets (a backup without its manifest is not a backup, but nothing should look like
     * one either), and the work folder is removed. Sets header {@code BackupError} for the alert.
     */
    public void fail(Exchange exchange) {
        Message in = exchange.getIn();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = ErrorMessages.describe(cause);
        Long id = exchange.getProperty(BACKUP_ID_PROPERTY, Long.class);
        in.setHeader("BackupError", message);
        if (id == null) {
            LOG.error("Backup could not start: {}", message);
            return;
        }
        if (!failed.add(id)) {
            // both parallel stores failed: the first one recorded and alerted
            in.setHeader(FAILURE_ALREADY_REPORTED, true);
            LOG.warn("Backup {} also failed in another step: {}", id, message);
            return;
        }
        String objectKey = in.getHeader(BackupHeaders.OBJECT_KEY, String.class);
        String cleanup = "";
        if (exchange.getProperty(STORED_BUT_UNRECORDED, false, Boolean.class)) {
            LOG.error("Backup {}: {}", id, message);
            return;
        }
        String otherOwner = null;
        if (objectKey != null) {
            try {
                otherOwner = owners.otherOwner(id, in.getHeader(BackupHeaders.BACKUP_TYPE, "full", String.class),
                        BackupKeyLayout.folderOf(objectKey));
            } catch (SQLException e) {
                otherOwner = "possibly another backup (the catalog cannot tell: " + ErrorMessages.describe(e) + ")";
            }
            if (otherOwner != null) {
                cleanup = " Its objects were left in place: " + BackupKeyLayout.folderOf(objectKey) + " also belongs to "
                        + otherOwner + ".";
            }
        }
        if (objectKey != null && otherOwner == null) {
            String folder = BackupKeyLayout.folderOf(objectKey);
            for (BackupBuckets.Bucket bucket : buckets.both()) {
                try {
                    int n = bucket.deleteUnder(folder);
                    if (n > 0) {
                        LOG.warn("Backup {}: removed {} partial object(s) from s3://{}/{}", id, n, bucket.name(), folder);
                    }
                } catch (RuntimeException e) {
                    cleanup = cleanup + " Partial objects may remain in s3://" + bucket.name() + "/" + folder
                            + " (no manifest: not a usable backup).";
                }
            }
        }
        safeMarkFailed(id, message + cleanup);
        Instant startedAt = in.getHeader(BackupHeaders.STARTED_AT, Instant.class);
        metrics.failed(in.getHeader(BackupHeaders.BACKUP_TYPE, "full", String.class),
                startedAt == null ? clock.instant() : startedAt, clock.instant());
        LOG.error("Backup {} failed: {}{}", id, message, cleanup);
        release(exchange, id);
    }

    /**
     * At start-up: rows left 'running' by a stopped process are failed, so nothing stays ambiguous, and their local
     * work folders (ciphertext spool files, fetched or replayed binary logs, option files) are removed.
     */
    public List<Long> recoverInterrupted() throws SQLException {
        if (Files.isDirectory(spoolDir)) {
            try (Stream<Path> stale = Files.list(spoolDir)) {
                // backups, restores, point-in-time replays and production copies: nothing runs at start-up
                stale.filter(p -> p.getFileName().toString().matches("(backup|restore|pitr|copy)-.*"))
                        .forEach(WorkFolders::deleteTree);
            } catch (IOException e) {
                LOG.warn("Cannot clean the spool folder {}: {}", spoolDir, e.getMessage());
            }
        }
        return history.failInterrupted(clock.instant(),
                "interrupted: the service stopped while this backup was running; its partial objects have no manifest");
    }

    private void safeMarkFailed(long id, String message) {
        try {
            history.markFailed(id, clock.instant(), message);
        } catch (SQLException e) {
            LOG.error("Backup {} failed ({}) and the history row could not be updated: {}", id, message, e.getMessage());
        }
    }

    private void release(Exchange exchange, long id) {
        Path workDir = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class);
        WorkFolders.deleteTree(workDir);
        lanes.release(id);
    }
}
