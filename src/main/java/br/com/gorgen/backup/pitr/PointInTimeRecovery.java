package br.com.gorgen.backup.pitr;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import br.com.gorgen.backup.binlog.BinlogShipper;
import br.com.gorgen.backup.catalog.BackupHistory;

/**
 * Point-in-time recovery as the catalog knows it: the recoverable window (for the status endpoint and for refusing
 * points outside it) and the plan that recovers a given point.
 */
public class PointInTimeRecovery {
    /** Exchange property holding the {@link RecoveryWindow.Plan} of a point-in-time restore. */
    public static final String PROP_PLAN = "PitrPlan";

    private final BackupHistory history;
    private final BinlogShipper shipper;
    private final int windowDays;
    private final Clock clock;

    public PointInTimeRecovery(BackupHistory history, BinlogShipper shipper, int windowDays, Clock clock) {
        this.history = history;
        this.shipper = shipper;
        this.windowDays = windowDays;
        this.clock = clock;
    }

    /** The shipper's last run, for the status endpoint. */
    public Map<String, Object> shipping() {
        return shipper.status();
    }

    public RecoveryWindow window() throws SQLException {
        return RecoveryWindow.of(history.successfulFrom("full", null), history.successfulFrom("incremental", null),
                history.successfulFrom("transactional", null));
    }

    /** What GET /api/backup/status shows under {@code pointInTimeRecovery}. */
    public Map<String, Object> status() throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        RecoveryWindow w = window();
        List<RecoveryWindow.Interval> intervals = w.intervals();
        boolean off = shipper.loggingOff();
        out.put("available", !off && !intervals.isEmpty());
        if (off) {
            out.put("reason", "binary logging is off on the source server (set log_bin, binlog_format=ROW, server_id)");
        } else if (intervals.isEmpty()) {
            out.put("reason", "no full backup with shipped binary logs after it yet");
        }
        out.put("earliest", w.earliest().map(Instant::toString).orElse(null));
        out.put("latest", w.latest().map(Instant::toString).orElse(null));
        List<Map<String, String>> covered = new ArrayList<>();
        List<Map<String, String>> gaps = new ArrayList<>();
        for (int i = 0; i < intervals.size(); i++) {
            covered.add(interval(intervals.get(i).from(), intervals.get(i).to()));
            if (i > 0) {
                gaps.add(interval(intervals.get(i - 1).to(), intervals.get(i).from()));
            }
        }
        out.put("windows", covered);
        out.put("gaps", gaps);
        out.put("targetDays", windowDays);
        Instant needed = clock.instant().minus(Duration.ofDays(windowDays));
        out.put("targetMet", w.earliest().map(e -> !e.isAfter(needed)).orElse(false) && gaps.stream()
                .noneMatch(g -> Instant.parse(g.get("to")).isAfter(needed)));
        return out;
    }

    public Optional<RecoveryWindow.Plan> planFor(Instant pointInTime) throws SQLException {
        return window().planFor(pointInTime);
    }

    public Optional<br.com.gorgen.backup.catalog.BackupRecord> backup(long id) throws SQLException {
        return history.findById(id);
    }

    public Optional<RecoveryWindow.Plan> planForIncremental(long id) throws SQLException {
        return window().planForIncremental(id);
    }

    public Optional<RecoveryWindow.Plan> planLatest() throws SQLException {
        return window().planLatest();
    }

    public Optional<RecoveryWindow.Plan> planForPosition(String file, long position) throws SQLException {
        return window().planForPosition(file, position);
    }

    private static Map<String, String> interval(Instant from, Instant to) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("from", from.toString());
        m.put("to", to.toString());
        return m;
    }

    /** The covered intervals as JSON-ready maps (for a 422 answer). */
    public List<Map<String, String>> coveredIntervals() throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        for (RecoveryWindow.Interval i : window().intervals()) {
            out.add(interval(i.from(), i.to()));
        }
        return out;
    }
}
