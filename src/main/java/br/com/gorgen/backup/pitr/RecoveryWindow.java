package br.com.gorgen.backup.pitr;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import br.com.gorgen.backup.binlog.ShipmentPlan;
import br.com.gorgen.backup.catalog.BackupRecord;

/**
 * Which moments can be recovered, from the catalog alone (pure logic, no I/O). A full backup with binary-log
 * coordinates starts a chain; the shipped binary logs extend it file by file (consecutive numbers, same server) as
 * long as none is missing. Each chain covers [snapshot time of the full backup, last event of its last file]. A
 * point in time is recoverable when a chain covers it; the plan to recover it is that chain's full backup plus its
 * files up to the one that reaches the point.
 */
public final class RecoveryWindow {
    /**
     * One chain: a full backup and the consecutive shipped files after its snapshot; it recovers any point from
     * {@code from} (the snapshot) to {@code to} (exclusive: one second after the last event shipped).
     */
    public record Chain(BackupRecord full, List<BackupRecord> files, Instant from, Instant to) {
    }

    /** What to restore and replay: the full backup, the files in order, and where to stop (one of the two, or none). */
    public record Plan(BackupRecord full, List<BackupRecord> files, Instant stopAt, Long stopPosition) {
        public String startFile() {
            return full.binlogFile();
        }

        public long startPosition() {
            return full.binlogPosition();
        }
    }

    private final List<Chain> chains;

    private RecoveryWindow(List<Chain> chains) {
        this.chains = chains;
    }

    /**
     * @param fulls       successful full backups (any order)
     * @param shipped     successful transactional backups (shipped binary-log files, any order)
     */
    public static RecoveryWindow of(List<BackupRecord> fulls, List<BackupRecord> shipped) {
        return of(fulls, List.of(), shipped);
    }

    /**
     * @param fulls         successful full backups (any order)
     * @param incrementals  successful incremental backups (each holds the logs from its parent's end on)
     * @param shipped       successful transactional backups (shipped binary-log files, any order)
     */
    public static RecoveryWindow of(List<BackupRecord> fulls, List<BackupRecord> incrementals, List<BackupRecord> shipped) {
        List<Chain> chains = new ArrayList<>();
        for (BackupRecord full : fulls) {
            BackupRecord.Coverage c = full.coverage();
            if (full.binlogFile() == null || full.binlogPosition() == null || c == null || c.snapshotAt() == null
                    || c.sourceId() == null) {
                continue;
            }
            List<BackupRecord> files = new ArrayList<>();
            // first the incrementals chained to this full backup (they outlive the shipped logs)...
            BackupRecord tip = full;
            while (true) {
                long parent = tip.id();
                BackupRecord next = incrementals.stream()
                        .filter(i -> sameSource(i, c.sourceId()) && i.coverage().parentId() != null
                                && i.coverage().parentId() == parent && lastEvent(i) != null)
                        .min(Comparator.comparing(BackupRecord::id)).orElse(null);
                if (next == null) {
                    break;
                }
                files.add(next);
                tip = next;
            }
            // ...then the shipped files from where they end (or from the snapshot's file)
            BackupRecord first;
            if (tip == full) {
                first = shipped.stream()
                        .filter(s -> sameSource(s, c.sourceId()) && full.binlogFile().equals(s.binlogFile())
                                && firstEvent(s) != null && !firstEvent(s).isAfter(c.snapshotAt()))
                        .max(Comparator.comparing(RecoveryWindow::firstEvent)).orElse(null);
            } else {
                BackupRecord lastIncremental = tip;
                first = shipped.stream()
                        .filter(s -> sameSource(s, c.sourceId()) && lastIncremental.binlogFile().equals(s.binlogFile())
                                && firstEvent(s) != null && !firstEvent(s).isBefore(lastEvent(lastIncremental)))
                        .min(Comparator.comparing(RecoveryWindow::firstEvent)).orElse(null);
            }
            BackupRecord previous = first;
            if (first != null) {
                files.add(first);
            }
            while (previous != null) {
                BackupRecord prev = previous;
                ShipmentPlan.FileName prevName = ShipmentPlan.FileName.parse(prev.binlogFile());
                BackupRecord next = shipped.stream()
                        .filter(s -> sameSource(s, c.sourceId()) && firstEvent(s) != null
                                && prevName.isFollowedBy(ShipmentPlan.FileName.parse(s.binlogFile()))
                                && !firstEvent(s).isBefore(firstEvent(prev)))
                        .min(Comparator.comparing(RecoveryWindow::firstEvent)).orElse(null);
                if (next == null) {
                    break;
                }
                files.add(next);
                previous = next;
            }
            if (files.isEmpty()) {
                continue;
            }
            // binary-log times have one-second resolution: the last file's events all happened before the next second
            Instant last = lastEvent(files.get(files.size() - 1));
            Instant to = last == null ? null : last.plusSeconds(1);
            if (to != null && !to.isBefore(c.snapshotAt())) {
                chains.add(new Chain(full, List.copyOf(files), c.snapshotAt(), to));
            }
        }
        chains.sort(Comparator.comparing(Chain::from));
        return new RecoveryWindow(chains);
    }

    /** The plan that restores an incremental backup: its full backup and its chain of incrementals up to it. */
    public Optional<Plan> planForIncremental(long incrementalId) {
        for (Chain c : chains) {
            for (int i = 0; i < c.files().size(); i++) {
                BackupRecord f = c.files().get(i);
                if (f.id() == incrementalId && "incremental".equals(f.type())) {
                    return Optional.of(new Plan(c.full(), c.files().subList(0, i + 1), null, null));
                }
            }
        }
        return Optional.empty();
    }

    public List<Chain> chains() {
        return chains;
    }

    /** The covered intervals, merged, oldest first (a hole between two is a broken stretch of the window). */
    public List<Interval> intervals() {
        List<Interval> out = new ArrayList<>();
        for (Chain c : chains) {
            if (!out.isEmpty() && !c.from().isAfter(out.get(out.size() - 1).to())) {
                Interval last = out.remove(out.size() - 1);
                out.add(new Interval(last.from(), c.to().isAfter(last.to()) ? c.to() : last.to()));
            } else {
                out.add(new Interval(c.from(), c.to()));
            }
        }
        return out;
    }

    /** A covered stretch of time. */
    public record Interval(Instant from, Instant to) {
    }

    public Optional<Instant> earliest() {
        List<Interval> i = intervals();
        return i.isEmpty() ? Optional.empty() : Optional.of(i.get(0).from());
    }

    public Optional<Instant> latest() {
        List<Interval> i = intervals();
        return i.isEmpty() ? Optional.empty() : Optional.of(i.get(i.size() - 1).to());
    }

    /** The plan for a point in time: the newest full backup at or before it whose chain reaches it. */
    public Optional<Plan> planFor(Instant pointInTime) {
        Chain best = null;
        for (Chain c : chains) {
            if (!c.from().isAfter(pointInTime) && !c.to().isBefore(pointInTime)
                    && (best == null || c.from().isAfter(best.from()))) {
                best = c;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        List<BackupRecord> files = new ArrayList<>();
        for (BackupRecord f : best.files()) {
            files.add(f);
            if (!lastEvent(f).isBefore(pointInTime)) {
                break;
            }
        }
        // past the last event shipped (but within its second): everything shipped applies, no stop is needed
        boolean pastEverything = lastEvent(files.get(files.size() - 1)).isBefore(pointInTime);
        return Optional.of(new Plan(best.full(), files, pastEverything ? null : pointInTime, null));
    }

    /** The plan for the newest recoverable moment: everything shipped, no stop. */
    public Optional<Plan> planLatest() {
        return chains.stream().max(Comparator.comparing(Chain::to).thenComparing(Chain::from))
                .map(c -> new Plan(c.full(), c.files(), null, null));
    }

    /**
     * The plan to stop just before a binary-log position (events at or after it are not applied): the newest full
     * backup whose snapshot is at or before it and whose chain holds that file.
     */
    public Optional<Plan> planForPosition(String file, long position) {
        ShipmentPlan.FileName target = ShipmentPlan.FileName.parse(file);
        Chain best = null;
        int bestIndex = -1;
        for (Chain c : chains) {
            ShipmentPlan.FileName start = ShipmentPlan.FileName.parse(c.full().binlogFile());
            boolean startsBefore = start.base().equals(target.base()) && (start.sequence() < target.sequence()
                    || (start.sequence() == target.sequence() && c.full().binlogPosition() <= position));
            if (!startsBefore) {
                continue;
            }
            for (int i = 0; i < c.files().size(); i++) {
                BackupRecord f = c.files().get(i);
                if ("transactional".equals(f.type()) && f.binlogFile().equals(file) && position <= f.binlogPosition()
                        && (best == null || c.from().isAfter(best.from()))) {
                    best = c;
                    bestIndex = i;
                }
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new Plan(best.full(), best.files().subList(0, bestIndex + 1), null, position));
    }

    private static boolean sameSource(BackupRecord r, String sourceId) {
        return r.coverage() != null && sourceId.equals(r.coverage().sourceId()) && r.binlogFile() != null;
    }

    private static Instant firstEvent(BackupRecord r) {
        return r.coverage() == null ? null : r.coverage().firstEventAt();
    }

    private static Instant lastEvent(BackupRecord r) {
        return r.coverage() == null ? null : r.coverage().lastEventAt();
    }
}
