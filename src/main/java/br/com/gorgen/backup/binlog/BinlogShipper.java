package br.com.gorgen.backup.binlog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.catalog.BackupCoordinator;
import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.catalog.BinlogCoordinates;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.ErrorMessages;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous (transactional) backup: rotates the source server's binary log and ships every closed file not yet
 * shipped, oldest first, each as its own {@code transactional} backup (fetched, gzip + OpenPGP, both buckets,
 * verified, manifest). Gap-free: what was shipped is read from the catalog each time, a file that failed stops the
 * run (the next run starts with it again), and a file purged before it was shipped is reported as a gap.
 */
public class BinlogShipper {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogShipper.class);
    public static final String REQUESTED_BY = "binlog-shipper";
    /** Header set when this run found a gap (text of the CRITICAL alert). */
    public static final String GAP = "BinlogGap";
    /** Header set once per process when the server has binary logging off (text of the WARNING). */
    public static final String LOGGING_OFF = "BinlogLoggingOff";
    static final String PROP_QUEUE = "BinlogQueue";
    static final String PROP_STATE = "BinlogServerState";
    static final String PROP_SUMMARY = "BinlogSummary";
    static final String FILE = "BinlogFile";

    private final BinlogServer server;
    private final BinlogFetcher fetcher;
    private final BackupHistory history;
    private final BackupCoordinator coordinator;
    private final BackupKeyLayout layout;
    private final BinlogManifests manifests;
    private final BackupBuckets buckets;
    private final Clock clock;
    private final AtomicBoolean loggingOffReported = new AtomicBoolean();
    private final AtomicReference<String> markAfterRotate = new AtomicReference<>();
    private volatile BinlogServer.State lastState;
    private volatile java.time.Instant lastPlannedAt;
    private final AtomicReference<String> lastPlanFailure = new AtomicReference<>();

    public BinlogShipper(BinlogServer server, BinlogFetcher fetcher, BackupHistory history, BackupCoordinator coordinator,
            BackupKeyLayout layout, BinlogManifests manifests, BackupBuckets buckets, Clock clock) {
        this.buckets = buckets;
        this.server = server;
        this.fetcher = fetcher;
        this.history = history;
        this.coordinator = coordinator;
        this.layout = layout;
        this.manifests = manifests;
        this.clock = clock;
    }

    /**
     * Rotates the log when something was written since the last rotation, and queues the closed files to ship.
     * Headers out: {@link #GAP} when continuity is broken, {@link #LOGGING_OFF} the first time logging is found off.
     */
    public void plan(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        in.removeHeaders("Binlog*");
        in.removeHeader("BackupError");
        if (server == null) {
            exchange.setProperty(PROP_QUEUE, new ArrayDeque<String>());
            return;
        }
        BinlogServer.State state = server.read();
        lastPlannedAt = clock.instant();
        if (!state.logBin()) {
            lastState = state;
            exchange.setProperty(PROP_QUEUE, new ArrayDeque<String>());
            if (loggingOffReported.compareAndSet(false, true)) {
                in.setHeader(LOGGING_OFF, "the source server has binary logging off: continuous backup and "
                        + "point-in-time recovery are unavailable, and incremental backups run as full backups");
                LOG.warn("Binary logging is off on {}: point-in-time recovery is unavailable. Fix: set log_bin, "
                        + "binlog_format=ROW and server_id in the server's configuration and restart it", server.url());
            }
            return;
        }
        loggingOffReported.set(false);
        // rotate only when something was written since the last rotation (no stream of empty files when idle)
        if (!state.writeMark().equals(markAfterRotate.get())) {
            server.rotate();
            state = server.read();
            markAfterRotate.set(state.writeMark());
        }
        lastState = state;
        lastPlanFailure.set(null);
        String sourceId = state.sourceId();
        List<BackupRecord> shipped = history.successfulFrom("transactional", sourceId);
        String last = shipped.isEmpty() ? null : shipped.get(shipped.size() - 1).binlogFile();
        if (last == null) {
            // a new or rebuilt catalog: the primary bucket still knows what was shipped (manifests are written last)
            String root = layout.binlogRoot(sourceId);
            last = BackupKeyLayout.newestShippedBinlog(root, buckets.primary().keysUnder(root));
            if (last != null) {
                LOG.info("The catalog has no shipped binary log of {}; the bucket's newest is {}: shipping continues after it",
                        sourceId, last);
            }
        }
        String fullFile = null;
        if (last == null) {
            List<BackupRecord> fulls = history.successfulFrom("full", sourceId);
            for (BackupRecord f : fulls) {
                if (f.binlogFile() != null) {
                    fullFile = f.binlogFile();
                }
            }
        }
        ShipmentPlan plan = ShipmentPlan.of(state.closedFiles().stream().map(BinlogServer.LogFile::name).toList(),
                last, fullFile);
        if (plan.gap() != null) {
            String message = "binary-log gap on " + sourceId + ": " + plan.gap() + ". Point-in-time recovery is "
                    + "broken from the last event shipped before the gap until the next full backup: run a full backup now";
            history.insertFailed("transactional", clock.instant(), REQUESTED_BY, message);
            in.setHeader(GAP, message);
            LOG.error(message);
        }
        exchange.setProperty(PROP_STATE, state);
        exchange.setProperty(PROP_QUEUE, new ArrayDeque<>(plan.files()));
        if (!plan.files().isEmpty()) {
            LOG.info("Shipping {} binary-log file(s) from {}: {}", plan.files().size(), sourceId, plan.files());
        }
    }

    /** True while files are queued and the previous one did not fail (a failure ends the run: no file is skipped). */
    @SuppressWarnings("unchecked")
    public boolean hasNext(Exchange exchange) {
        Deque<String> queue = exchange.getProperty(PROP_QUEUE, Deque.class);
        return queue != null && !queue.isEmpty() && exchange.getIn().getHeader("BackupError") == null;
    }

    /** Takes the next file and sets the headers for {@code backupCoordinator.begin}. */
    @SuppressWarnings("unchecked")
    public void next(Exchange exchange) {
        String file = ((Deque<String>) exchange.getProperty(PROP_QUEUE, Deque.class)).poll();
        Message in = exchange.getIn();
        in.setHeader(FILE, file);
        in.setHeader(BackupHeaders.BACKUP_TYPE, "transactional");
        in.setHeader(BackupHeaders.REQUESTED_BY, REQUESTED_BY);
    }

    /**
     * Copies the file from the server into the work folder, reads its events (it must be complete and as long as the
     * server says), and sets the object keys. The body becomes the file's content, for the archiver.
     */
    public void fetch(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String file = in.getHeader(FILE, String.class);
        BinlogServer.State state = exchange.getProperty(PROP_STATE, BinlogServer.State.class);
        Path dir = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class).resolve("binlog");
        Path local = fetcher.fetch(List.of(file), dir).get(0);
        BinlogFileSummary summary = BinlogFileReader.read(local);
        long expected = state.closedFiles().stream().filter(f -> f.name().equals(file)).mapToLong(BinlogServer.LogFile::size)
                .findFirst().orElse(-1);
        if (!summary.closed() || (expected >= 0 && summary.sizeBytes() != expected)) {
            throw new java.io.IOException("the copy of " + file + " is incomplete (" + summary.sizeBytes() + " bytes, server "
                    + "lists " + expected + ", closed=" + summary.closed() + ")");
        }
        if (summary.firstEventAt() == null) {
            throw new java.io.IOException(file + " holds no timed event: not a usable binary log");
        }
        String sourceId = state.sourceId();
        coordinator.locate(exchange, layout.binlogArtifact(sourceId, file, summary.firstEventAt()),
                layout.binlogManifest(sourceId, file, summary.firstEventAt()));
        exchange.setProperty(PROP_SUMMARY, summary);
        exchange.setProperty(BinlogCoordinates.PROPERTY, new BinlogCoordinates(file, summary.endPosition(), summary.gtidLast()));
        exchange.setProperty(BackupHeaders.PROP_COVERAGE, new BackupRecord.Coverage(sourceId, null, summary.firstEventAt(),
                summary.lastEventAt(), file, summary.startPosition(), null, null));
        in.setBody(Files.newInputStream(local));
    }

    /** The manifest of one shipped file (after its artifact is stored and verified in both buckets). */
    public void manifest(Exchange exchange) throws Exception {
        BinlogServer.State state = exchange.getProperty(PROP_STATE, BinlogServer.State.class);
        BinlogFileSummary s = exchange.getProperty(PROP_SUMMARY, BinlogFileSummary.class);
        ArchiveResult archive = exchange.getProperty(BackupHeaders.PROP_ARCHIVE, ArchiveResult.class);
        BackupManifest.Binlog binlog = new BackupManifest.Binlog(state.sourceId(), state.serverId(), null, null,
                s.fileName(), s.startPosition(), BinlogManifests.text(s.firstEventAt()), BinlogManifests.text(s.lastEventAt()),
                List.of(BinlogManifests.entry(s, archive.plainSha256())));
        manifests.stage(exchange, state, binlog, "binlog+gzip+openpgp", List.of(),
                "gpg --decrypt <artifact> | gunzip > " + s.fileName() + "; mariadb-binlog --start-position=<full backup's "
                        + "position> " + s.fileName() + " ... | mariadb <target>  (see docs/RESTORE.md)");
    }

    /**
     * A run that could not be planned: recorded as a failed transactional row and alerted (header BackupError) the
     * first time a cause is seen; the same cause again is only logged, so an outage does not mail every 5 minutes.
     */
    public void planFailed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = "binary-log shipping could not run: " + ErrorMessages.describe(cause);
        Message in = exchange.getIn();
        in.removeHeader("BackupError");
        if (message.equals(lastPlanFailure.getAndSet(message))) {
            LOG.warn("{} (still; alerted before)", message);
            return;
        }
        LOG.error(message);
        in.setHeader("BackupError", message);
        in.setHeader(BackupHeaders.BACKUP_TYPE, "transactional");
        try {
            in.setHeader(BackupHeaders.BACKUP_ID, history.insertFailed("transactional", clock.instant(), REQUESTED_BY, message));
        } catch (SQLException e) {
            in.removeHeader(BackupHeaders.BACKUP_ID);
            LOG.error("... and the failure could not be recorded in the catalog: {}", e.getMessage());
        }
    }

    /** What GET /api/backup/status shows under {@code binlogShipping}. */
    public java.util.Map<String, Object> status() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        BinlogServer.State s = lastState;
        out.put("lastRunAt", lastPlannedAt == null ? null : lastPlannedAt.toString());
        out.put("binaryLogging", s == null ? null : s.logBin());
        out.put("sourceId", s == null || !s.logBin() ? null : s.sourceId());
        out.put("serverFile", s == null ? null : s.currentFile());
        out.put("lastProblem", lastPlanFailure.get());
        return out;
    }

    public boolean loggingOff() {
        BinlogServer.State s = lastState;
        return s != null && !s.logBin();
    }
}
