package br.com.gorgen.backup.restore;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupPins;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.catalog.CatalogUnavailableException;
import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns the life cycle of a restore: one at a time, a restore_history row from start to verified or failed. */
public class RestoreCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreCoordinator.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);

    /** Why a restore cannot start; the API turns it into an HTTP status. */
    public static class RestoreNotStartedException extends Exception {
        private final int status;
        private final Long runningId;

        public RestoreNotStartedException(int status, String message, Long runningId) {
            super(message);
            this.status = status;
            this.runningId = runningId;
        }

        public int status() {
            return status;
        }

        public Long runningId() {
            return runningId;
        }
    }

    private final RestoreHistory history;
    private final BackupHistory backups;
    private final PrivateKeySource keys;
    private final String targetPrefix;
    private final Clock clock;
    private final BackupPins pins;
    private final AtomicReference<Long> running = new AtomicReference<>();
    private static final String RESTORE_ID_PROPERTY = "RestoreIdOfThisRun";
    /** Exchange property: the restore's target when it is not a new database ({@code {stamp}} is replaced). */
    public static final String TARGET_PROPERTY = "RestoreChosenTarget";

    public RestoreCoordinator(RestoreHistory history, BackupHistory backups, PrivateKeySource keys, String targetPrefix,
            Clock clock, BackupPins pins) {
        this.pins = pins;
        if (!targetPrefix.matches("[A-Za-z0-9_]{1,40}")) {
            throw new IllegalArgumentException("BACKUP_RESTORE_DATABASE_PREFIX must be 1-40 letters, digits or '_'");
        }
        this.history = history;
        this.backups = backups;
        this.keys = keys;
        this.targetPrefix = targetPrefix;
        this.clock = clock;
    }

    public Optional<Long> runningId() {
        return Optional.ofNullable(running.get()).filter(id -> id > 0);
    }

    /** Checks the request and claims the slot. Headers in: backup id, kind, requested by. */
    public void begin(Exchange exchange) throws RestoreNotStartedException, CatalogUnavailableException {
        Message in = exchange.getIn();
        long backupId = in.getHeader(RestoreHeaders.BACKUP_ID, Long.class);
        String kind = in.getHeader(RestoreHeaders.KIND, "isolated", String.class);
        String requestedBy = in.getHeader(RestoreHeaders.REQUESTED_BY, String.class);
        BackupRecord backup;
        try {
            backup = backups.findById(backupId)
                    .orElseThrow(() -> new RestoreNotStartedException(404, "backup " + backupId + " does not exist", null));
        } catch (SQLException e) {
            throw new CatalogUnavailableException("the catalog database is unreachable: " + ErrorMessages.describe(e), e);
        }
        if (!"success".equals(backup.status())) {
            throw new RestoreNotStartedException(409, "backup " + backupId + " is '" + backup.status()
                    + "': only successful backups can be restored", null);
        }
        String noKey = keys.unavailableReason();
        if (noKey != null) {
            throw new RestoreNotStartedException(503, noKey, null);
        }
        if (!running.compareAndSet(null, -1L)) {
            throw new RestoreNotStartedException(409, "a restore is already running", running.get());
        }
        try {
            Instant startedAt = clock.instant();
            // documents restores go to a bucket and prefix the API chose (an exchange property: never from a header)
            String chosen = exchange.getProperty(TARGET_PROPERTY, String.class);
            String target = chosen != null ? chosen.replace("{stamp}", STAMP.format(startedAt))
                    : targetPrefix + "_" + backupId + "_" + STAMP.format(startedAt);
            long id = history.insertRunning(backupId, kind, target, startedAt, requestedBy);
            String pointInTime = in.getHeader(RestoreHeaders.POINT_IN_TIME, String.class);
            if (pointInTime != null) {
                history.setPointInTime(id, pointInTime);
            }
            running.set(id);
            pin(exchange, id, backupId, kind);
            in.setHeader(RestoreHeaders.RESTORE_ID, id);
            exchange.setProperty(RESTORE_ID_PROPERTY, id); // survives any header clean-up downstream
            in.setHeader(RestoreHeaders.TARGET_DATABASE, target);
            in.setHeader(RestoreHeaders.STARTED_AT, startedAt);
            LOG.info("Restore {} of backup {} into {} started by {}", id, backupId, target, requestedBy);
        } catch (SQLException e) {
            running.set(null);
            throw new CatalogUnavailableException("the catalog database is unreachable: " + ErrorMessages.describe(e), e);
        }
    }

    /** Who holds the pins of a restore: {@code restore #12} or {@code drill #13}. */
    public static String pinOwner(long restoreId, String kind) {
        return ("drill".equals(kind) ? "drill #" : "restore #") + restoreId;
    }

    /**
     * Pins every backup the restore reads (property {@link RestoreHeaders#PROP_BACKUPS_READ}: a point-in-time plan's
     * full backup, incrementals and binary logs; else the backup itself) for as long as it runs: no clean-up and no
     * deletion can expire them meanwhile, whatever the restore triggers (its safety backup) or meets. A backup that a
     * removal claimed first cannot be pinned: the restore is refused and recorded as failed.
     */
    @SuppressWarnings("unchecked")
    private void pin(Exchange exchange, long restoreId, long backupId, String kind)
            throws RestoreNotStartedException, SQLException {
        java.util.List<Long> read = exchange.getProperty(RestoreHeaders.PROP_BACKUPS_READ, java.util.List.class);
        try {
            pins.pin(pinOwner(restoreId, kind), read == null || read.isEmpty() ? java.util.List.of(backupId) : read);
        } catch (BackupPins.NotPinnableException e) {
            String message = "refused: " + e.getMessage();
            try {
                history.finish(restoreId, "failed", clock.instant(), null, null, message, null, null);
            } finally {
                running.compareAndSet(restoreId, null);
            }
            throw new RestoreNotStartedException(409, "backup " + e.backupId() + " cannot be restored now: "
                    + e.getMessage(), null);
        }
    }

    public void complete(Exchange exchange) throws SQLException {
        finish(exchange, "verified", null);
    }

    public void fail(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = ErrorMessages.describe(cause);
        exchange.getIn().setHeader("RestoreError", message);
        if (exchange.getProperty(RESTORE_ID_PROPERTY) == null) {
            LOG.error("Restore could not start: {}", message);
            return;
        }
        try {
            finish(exchange, "failed", message);
        } catch (SQLException e) {
            LOG.error("Restore failed ({}) and its history row could not be updated: {}", message, e.getMessage());
        }
    }

    private void finish(Exchange exchange, String status, String error) throws SQLException {
        Message in = exchange.getIn();
        long id = exchange.getProperty(RESTORE_ID_PROPERTY, Long.class);
        ArtifactLocator.Source source = exchange.getProperty(RestoreHeaders.PROP_SOURCE, ArtifactLocator.Source.class);
        RestoreValidator.Validation validation = exchange.getProperty(RestoreHeaders.PROP_VALIDATION,
                RestoreValidator.Validation.class);
        Instant now = clock.instant();
        Instant startedAt = in.getHeader(RestoreHeaders.STARTED_AT, Instant.class);
        Long rto = startedAt == null ? null : Duration.between(startedAt, now).toSeconds();
        Instant asOf = in.getHeader(RestoreHeaders.DATA_AS_OF, Instant.class);
        Long rpo = asOf != null ? Long.valueOf(Duration.between(asOf, now).toSeconds())
                : source == null ? null : Long.valueOf(Duration.between(Instant.parse(source.manifest().startedAt()), now).toSeconds());
        in.setHeader(RestoreHeaders.RTO_SECONDS, rto);
        in.setHeader(RestoreHeaders.RPO_SECONDS, rpo);
        try {
            history.finish(id, status, now, source == null ? null : source.bucket().name(),
                    validation == null ? null : Json.write(validation), error, error == null ? rto : null, rpo);
            if (error == null) {
                LOG.info("Restore {} verified: {} tables, {} rows", id, validation.tablesChecked(), validation.rowsChecked());
            } else {
                LOG.error("Restore {} failed: {}", id, error);
            }
        } finally {
            try {
                pins.release(pinOwner(id, in.getHeader(RestoreHeaders.KIND, String.class)));
            } catch (SQLException e) {
                LOG.warn("Restore {}: its pins could not be released now ({}); they are released at the next start",
                        id, e.getMessage());
            }
            running.compareAndSet(id, null);
        }
    }

    /** At start-up: restores left running by a stopped process are failed. */
    public void recoverInterrupted() throws SQLException {
        history.failInterrupted(clock.instant());
    }
}
