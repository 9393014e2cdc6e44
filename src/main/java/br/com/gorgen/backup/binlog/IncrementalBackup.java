package br.com.gorgen.backup.binlog;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.catalog.BinlogCoordinates;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.Sha256;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily incremental: every binary log written since the previous backup of the chain (the newest successful full or
 * incremental), fetched from the server and stored as one tar in one encrypted artifact, chained to that backup. It
 * is self-contained: it does not depend on the transactional copies, which are kept for a shorter time. Without
 * binary logging, or without a backup to chain to, the run becomes a full backup and says so.
 */
public class IncrementalBackup {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalBackup.class);
    static final String PROP_PARENT = "IncrementalParent";
    static final String PROP_STATE = "IncrementalServerState";
    static final String PROP_FILES = "IncrementalFiles";
    static final String PROP_UNREADABLE = "IncrementalSourceUnreadable";

    private final BinlogServer server;
    private final BinlogFetcher fetcher;
    private final BackupHistory history;
    private final BinlogManifests manifests;

    public IncrementalBackup(BinlogServer server, BinlogFetcher fetcher, BackupHistory history, BinlogManifests manifests) {
        this.server = server;
        this.fetcher = fetcher;
        this.history = history;
        this.manifests = manifests;
    }

    /**
     * Before the run starts: keeps type {@code incremental} when there is a chain to extend, else switches the
     * header to {@code full} with a note saying why (history row, manifest and notification carry it).
     */
    public void decideType(Exchange exchange) throws SQLException {
        Message in = exchange.getIn();
        if (!"incremental".equals(in.getHeader(BackupHeaders.BACKUP_TYPE, String.class))) {
            return;
        }
        BinlogServer.State state;
        try {
            state = server.read();
        } catch (SQLException e) {
            // the source cannot be read now: the incremental runs (a history row, an alert) and fails with the reason
            exchange.setProperty(PROP_UNREADABLE, e);
            return;
        }
        exchange.removeProperty(PROP_UNREADABLE);
        String reason = null;
        BackupRecord parent = null;
        if (!state.logBin()) {
            reason = "binary logging is off on the source server";
        } else {
            parent = parent(state.sourceId());
            if (parent == null) {
                reason = "there is no successful full backup of this server to chain to";
            } else {
                String continueAt = parent.binlogFile();
                boolean present = state.files().stream().anyMatch(f -> f.name().equals(continueAt));
                if (!present) {
                    reason = "the server no longer has " + continueAt + ", where backup #" + parent.id()
                            + " ends (purged): the chain cannot be extended";
                }
            }
        }
        if (reason != null) {
            in.setHeader(BackupHeaders.BACKUP_TYPE, "full");
            in.setHeader(BackupHeaders.NOTES, "incremental requested, full backup made instead: " + reason);
            LOG.warn("Incremental backup runs as a full backup: {}", reason);
            return;
        }
        exchange.setProperty(PROP_PARENT, parent);
    }

    /** The newest successful full or incremental of the source with coordinates to continue from. */
    private BackupRecord parent(String sourceId) throws SQLException {
        BackupRecord best = null;
        for (String type : List.of("full", "incremental")) {
            for (BackupRecord r : history.successfulFrom(type, sourceId)) {
                if (r.binlogFile() != null && r.binlogPosition() != null && (best == null || r.id() > best.id())) {
                    best = r;
                }
            }
        }
        return best;
    }

    /**
     * After {@code begin}: rotates the log, fetches every file from the parent's end to the newest closed one into the
     * work folder, and makes the body a tar stream of them for the archiver.
     */
    public void fetch(Exchange exchange) throws Exception {
        SQLException unreadable = exchange.getProperty(PROP_UNREADABLE, SQLException.class);
        if (unreadable != null) {
            throw unreadable;
        }
        BackupRecord parent = exchange.getProperty(PROP_PARENT, BackupRecord.class);
        server.rotate();
        BinlogServer.State state = server.read();
        ShipmentPlan.FileName start = ShipmentPlan.FileName.parse(parent.binlogFile());
        List<String> files = new ArrayList<>();
        for (BinlogServer.LogFile f : state.closedFiles()) {
            ShipmentPlan.FileName n = ShipmentPlan.FileName.parse(f.name());
            if (n.base().equals(start.base()) && n.sequence() >= start.sequence()) {
                files.add(f.name());
            }
        }
        if (files.isEmpty() || !files.get(0).equals(parent.binlogFile())) {
            throw new IOException("the binary logs from " + parent.binlogFile() + " (where backup #" + parent.id()
                    + " ends) are no longer all on the server: " + files);
        }
        Path dir = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class).resolve("binlog");
        List<Path> local = fetcher.fetch(files, dir);
        List<BinlogFileSummary> summaries = new ArrayList<>();
        for (Path p : local) {
            BinlogFileSummary s = BinlogFileReader.read(p);
            if (!s.closed()) {
                throw new IOException("the copy of " + s.fileName() + " is incomplete");
            }
            summaries.add(s);
        }
        BinlogFileSummary last = summaries.get(summaries.size() - 1);
        ShipmentPlan.FileName lastName = ShipmentPlan.FileName.parse(last.fileName());
        exchange.setProperty(PROP_STATE, state);
        exchange.setProperty(PROP_FILES, summaries);
        // the next backup of the chain continues with the file after the last one held here
        exchange.setProperty(BinlogCoordinates.PROPERTY, new BinlogCoordinates(lastName.withSequence(lastName.sequence() + 1),
                4, last.gtidLast()));
        exchange.setProperty(BackupHeaders.PROP_COVERAGE, new BackupRecord.Coverage(state.sourceId(), null,
                summaries.get(0).firstEventAt(), last.lastEventAt(), parent.binlogFile(), parent.binlogPosition(),
                parent.id(), exchange.getIn().getHeader(BackupHeaders.NOTES, String.class)));
        exchange.getIn().setBody(TarStream.of(local));
        LOG.info("Incremental backup: {} binary-log file(s) since backup #{} ({} to {})", files.size(), parent.id(),
                files.get(0), last.fileName());
    }

    /** The incremental's manifest: parent, base full backup, where replay starts, and every file with its SHA-256. */
    @SuppressWarnings("unchecked")
    public void manifest(Exchange exchange) throws Exception {
        BackupRecord parent = exchange.getProperty(PROP_PARENT, BackupRecord.class);
        BinlogServer.State state = exchange.getProperty(PROP_STATE, BinlogServer.State.class);
        List<BinlogFileSummary> summaries = exchange.getProperty(PROP_FILES, List.class);
        Path dir = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class).resolve("binlog");
        List<BackupManifest.BinlogFile> files = new ArrayList<>();
        for (BinlogFileSummary s : summaries) {
            files.add(BinlogManifests.entry(s, Sha256.of(dir.resolve(s.fileName()))));
        }
        Long base = "full".equals(parent.type()) ? Long.valueOf(parent.id()) : baseOf(parent);
        ArchiveResult archive = exchange.getProperty(BackupHeaders.PROP_ARCHIVE, ArchiveResult.class);
        BackupManifest.Binlog binlog = new BackupManifest.Binlog(state.sourceId(), state.serverId(), parent.id(), base,
                parent.binlogFile(), parent.binlogPosition(), BinlogManifests.text(summaries.get(0).firstEventAt()),
                BinlogManifests.text(summaries.get(summaries.size() - 1).lastEventAt()), files);
        List<String> warnings = List.of("plaintext SHA-256 " + archive.plainSha256() + " is of the tar stream");
        manifests.stage(exchange, state, binlog, "binlog-tar+gzip+openpgp", warnings,
                "gpg --decrypt <artifact> | tar -xz; then replay after the parent backup: mariadb-binlog --start-position="
                        + parent.binlogPosition() + " " + parent.binlogFile() + " ... | mariadb <target>  (see docs/RESTORE.md)");
    }

    private Long baseOf(BackupRecord incremental) throws SQLException {
        BackupRecord r = incremental;
        while (r != null && "incremental".equals(r.type())) {
            Long p = r.coverage() == null ? null : r.coverage().parentId();
            r = p == null ? null : history.findById(p).orElse(null);
        }
        return r == null ? null : r.id();
    }
}
