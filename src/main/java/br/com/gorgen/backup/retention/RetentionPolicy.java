package br.com.gorgen.backup.retention;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import br.com.gorgen.backup.retention.RetentionDecision.Verdict;
import br.com.gorgen.backup.retention.RetentionEntry.Kind;
import br.com.gorgen.backup.retention.RetentionEntry.Status;

/**
 * Which backups to keep and which to delete, and why: pure (no I/O, time given), so that it can be previewed,
 * explained and tested to exhaustion.
 *
 * <p>Grandfather-father-son windows, calendar-based in the settings' zone, applied separately to the database
 * backups (full and incremental) and to the documents snapshots: the newest successful backup of each of the last
 * {@code dailyDays} days, of each of the last {@code weeklyWeeks} ISO weeks, months and years (for weeks, months and
 * years a full backup is preferred: it needs nothing else). A backup is kept when any rule keeps it; every rule that
 * does is listed.
 *
 * <p>Safety rules, over everything: the newest successful full backup is kept; a kept incremental keeps its whole
 * chain down to its full; the point-in-time window keeps every shipped binary log and incremental from the newest full
 * backup taken before the window started (which it keeps too) to now; while the last backup of a family failed and
 * fewer than {@code minSuccessfulFulls} successful full backups exist, nothing of that family is deleted; running
 * backups and offline copies are kept; failed backups are cleaned only after their grace period.
 */
public final class RetentionPolicy {
    private final RetentionSettings settings;

    public RetentionPolicy(RetentionSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public RetentionSettings settings() {
        return settings;
    }

    /** A verdict for every backup of {@code catalog}, in id order (nothing pinned). */
    public Map<Long, RetentionDecision> decide(Collection<RetentionEntry> catalog, Instant now) {
        return decide(catalog, now, Map.of());
    }

    /**
     * A verdict for every backup of {@code catalog}, in id order. {@code pins}: per backup id, the owners of its pins
     * (a restore, a drill, a download); under id {@code 0}, owners that use the whole catalog (a rebuild). A pinned
     * backup is kept by a safety rule ({@code in use by restore #12}), and so is everything it needs.
     */
    public Map<Long, RetentionDecision> decide(Collection<RetentionEntry> catalog, Instant now,
            Map<Long, List<String>> pins) {
        Run run = new Run(catalog, now);
        run.statusRules();
        run.pins(pins);
        run.calendarRules(Kind::database, "");
        run.calendarRules(Kind::documents, "documents ");
        run.newestRules();
        run.pointInTimeWindow();
        run.chains();
        run.lastFailedGuard(Kind::database, Kind.FULL, "database");
        run.lastFailedGuard(Kind::documents, Kind.DOCUMENTS_FULL, "documents");
        return run.decisions();
    }

    /** One evaluation: the catalog, "now", and the reasons gathered so far. */
    private final class Run {
        private final Map<Long, RetentionEntry> byId = new TreeMap<>();
        private final Instant now;
        private final LocalDate today;
        private final Map<Long, Set<String>> keep = new HashMap<>();
        private final Map<Long, Set<String>> safety = new HashMap<>();
        private final Map<Long, String> delete = new HashMap<>();
        /** Per backup a calendar rule keeps, the day it stops keeping it (were no newer backup taken). */
        private final Map<Long, Instant> until = new HashMap<>();
        private final Set<Long> gone = new HashSet<>();

        Run(Collection<RetentionEntry> catalog, Instant now) {
            for (RetentionEntry e : catalog) {
                if (byId.put(e.id(), e) != null) {
                    throw new IllegalArgumentException("backup #" + e.id() + " appears twice in the catalog");
                }
            }
            this.now = now;
            this.today = LocalDate.ofInstant(now, settings.zone());
        }

        /** Kept by a safety rule: not deletable by hand either. */
        private void keep(RetentionEntry e, String reason) {
            keepFor(e, reason);
            safety.computeIfAbsent(e.id(), k -> new LinkedHashSet<>()).add(reason);
        }

        /** Kept by a calendar window, a grace period or the clock: an operator may still delete it. */
        private void keepFor(RetentionEntry e, String reason) {
            keep.computeIfAbsent(e.id(), k -> new LinkedHashSet<>()).add(reason);
        }

        private List<RetentionEntry> successful(Predicate<Kind> kinds) {
            return byId.values().stream().filter(e -> e.successful() && kinds.test(e.kind())).toList();
        }

        void statusRules() {
            for (RetentionEntry e : byId.values()) {
                switch (e.status()) {
                    case EXPIRED -> gone.add(e.id());
                    case RUNNING -> keep(e, "running");
                    case FAILED -> {
                        Instant cleanable = e.takenAt().plus(Duration.ofDays(settings.failedGraceDays()));
                        if (now.isBefore(cleanable)) {
                            keepFor(e, "failed: its leftovers are cleaned after "
                                    + LocalDate.ofInstant(cleanable, settings.zone()));
                        } else {
                            delete.put(e.id(), "failed backup past its " + settings.failedGraceDays()
                                    + "-day grace period");
                        }
                    }
                    case SUCCESS -> {
                        if (e.offline()) {
                            keep(e, "offline copy (kept forever)");
                        }
                        if (e.safetyFor() != null) {
                            // the state production had before a restore replaced it: kept the daily window on its own
                            // terms, never displacing the backup of its day (often the very backup restored)
                            Instant until = e.takenAt().plus(Duration.ofDays(settings.dailyDays()));
                            if (now.isBefore(until)) {
                                keepFor(e, "safety backup before restore #" + e.safetyFor() + " (until "
                                        + LocalDate.ofInstant(until, settings.zone()) + ")");
                            }
                        }
                        if (e.takenAt().isAfter(now)) {
                            keepFor(e, "taken after now (clock difference)");
                        }
                    }
                }
            }
        }

        /** Pinned backups (and, with a pin on the whole catalog, every backup) are in use. */
        void pins(Map<Long, List<String>> pins) {
            List<String> everything = pins.getOrDefault(0L, List.of());
            for (RetentionEntry e : byId.values()) {
                if (gone.contains(e.id())) {
                    continue;
                }
                List<String> owners = new ArrayList<>(pins.getOrDefault(e.id(), List.of()));
                owners.addAll(everything);
                if (!owners.isEmpty()) {
                    keep(e, br.com.gorgen.backup.catalog.BackupPins.inUseBy(owners));
                }
            }
        }

        /** The GFS windows over the successful backups of one family. */
        void calendarRules(Predicate<Kind> family, String label) {
            List<RetentionEntry> candidates = successful(family).stream().filter(e -> e.safetyFor() == null).toList();
            LocalDate firstDay = today.minusDays(settings.dailyDays() - 1L);
            pick(candidates, d -> !d.isBefore(firstDay), LocalDate::toString, d -> d.plusDays(1), settings.dailyDays(),
                    false, label + "daily ");
            if (settings.weeklyWeeks() > 0) {
                LocalDate firstMonday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                        .minusWeeks(settings.weeklyWeeks() - 1L);
                pick(candidates, d -> !d.isBefore(firstMonday), RetentionPolicy::isoWeek,
                        d -> d.with(TemporalAdjusters.next(DayOfWeek.MONDAY)), settings.weeklyWeeks(), true,
                        label + "weekly ");
            }
            if (settings.monthlyMonths() > 0) {
                YearMonth firstMonth = YearMonth.from(today).minusMonths(settings.monthlyMonths() - 1L);
                pick(candidates, d -> !YearMonth.from(d).isBefore(firstMonth), d -> YearMonth.from(d).toString(),
                        d -> YearMonth.from(d).plusMonths(1).atDay(1), settings.monthlyMonths(), true, label + "monthly ");
            }
            if (settings.yearlyYears() > 0) {
                int firstYear = today.getYear() - (settings.yearlyYears() - 1);
                pick(candidates, d -> d.getYear() >= firstYear, d -> Year.from(d).toString(),
                        d -> LocalDate.of(d.getYear() + 1, 1, 1), settings.yearlyYears(), true, label + "yearly ");
            }
        }

        /**
         * In every period (named by {@code period}) of the window, the newest backup taken in it; with
         * {@code preferFull}, the newest self-contained one when the period has one. For a period that is over
         * ({@code next}: the first day of the following period), the choice is final: the backup keeps it until the
         * window of {@code length} periods has passed over it ({@link RetentionDecision#keepUntil}).
         */
        private void pick(List<RetentionEntry> candidates, Predicate<LocalDate> inWindow, Function<LocalDate, String> period,
                java.util.function.UnaryOperator<LocalDate> next, int length, boolean preferFull, String label) {
            Map<String, List<RetentionEntry>> byPeriod = candidates.stream()
                    .filter(e -> inWindow.test(day(e)))
                    .collect(Collectors.groupingBy(e -> period.apply(day(e)), TreeMap::new, Collectors.toList()));
            for (Map.Entry<String, List<RetentionEntry>> p : byPeriod.entrySet()) {
                List<RetentionEntry> in = p.getValue();
                Optional<RetentionEntry> chosen = preferFull
                        ? newest(in.stream().filter(e -> e.kind().selfContained()).toList())
                        : Optional.empty();
                if (chosen.isEmpty()) {
                    chosen = newest(in);
                }
                chosen.ifPresent(e -> {
                    keepFor(e, label + p.getKey());
                    LocalDate end = next.apply(day(e));
                    if (!end.isAfter(today)) {
                        LocalDate windowEnd = day(e);
                        for (int i = 0; i < length; i++) {
                            windowEnd = next.apply(windowEnd);
                        }
                        until.merge(e.id(), windowEnd.atStartOfDay(settings.zone()).toInstant(),
                                (x, y) -> x.isAfter(y) ? x : y);
                    }
                });
            }
        }

        private LocalDate day(RetentionEntry e) {
            return LocalDate.ofInstant(e.takenAt(), settings.zone());
        }

        void newestRules() {
            newest(successful(k -> k == Kind.FULL)).ifPresent(e -> keep(e, "newest successful full backup"));
            newest(successful(k -> k == Kind.DOCUMENTS_FULL))
                    .ifPresent(e -> keep(e, "newest successful documents full backup"));
            newest(successful(Kind::documents)).ifPresent(e -> keep(e, "newest documents snapshot"));
        }

        /**
         * Per database server: the newest full backup taken at or before the window's start, and every incremental
         * and shipped binary log from it on (they bridge it to now).
         */
        void pointInTimeWindow() {
            if (settings.binlogDays() == 0) {
                return;
            }
            Instant windowStart = now.minus(Duration.ofDays(settings.binlogDays()));
            String window = "point-in-time window (" + settings.binlogDays() + " days)";
            Map<String, List<RetentionEntry>> bySource = byId.values().stream()
                    .filter(e -> e.successful() && (e.kind() == Kind.TRANSACTIONAL || e.kind().database()))
                    .collect(Collectors.groupingBy(e -> Objects.toString(e.sourceId(), ""), TreeMap::new,
                            Collectors.toList()));
            for (List<RetentionEntry> source : bySource.values()) {
                Optional<RetentionEntry> base = newest(source.stream()
                        .filter(e -> e.kind() == Kind.FULL && !e.takenAt().isAfter(windowStart)).toList());
                Instant from = base.map(RetentionEntry::takenAt).orElse(windowStart);
                base.ifPresent(b -> keep(b, "start of the " + window));
                for (RetentionEntry e : source) {
                    if (e.kind() == Kind.TRANSACTIONAL && !e.coveredUntil().isBefore(from)) {
                        keep(e, e.coveredUntil().isBefore(windowStart)
                                ? "bridges full backup #" + base.map(RetentionEntry::id).orElse(0L) + " to the "
                                        + window
                                : window);
                    } else if (e.kind() == Kind.INCREMENTAL && !e.takenAt().isBefore(from)) {
                        keep(e, window);
                    }
                }
            }
        }

        /** A kept incremental keeps its parents down to the full backup it starts from. */
        void chains() {
            List<RetentionEntry> kept = byId.values().stream()
                    .filter(e -> e.kind() == Kind.INCREMENTAL && keep.containsKey(e.id()) && !gone.contains(e.id()))
                    .sorted(Comparator.comparing(RetentionEntry::takenAt).reversed()).toList();
            for (RetentionEntry child : kept) {
                Set<Long> seen = new HashSet<>();
                RetentionEntry e = child;
                while (e.parentId() != null && seen.add(e.id())) {
                    RetentionEntry parent = byId.get(e.parentId());
                    if (parent == null || parent.status() == Status.EXPIRED) {
                        break;
                    }
                    keep(parent, "needed by incremental #" + e.id());
                    if (parent.kind() != Kind.INCREMENTAL) {
                        break;
                    }
                    e = parent;
                }
            }
        }

        /**
         * While the newest finished backup of a family failed and too few successful full backups exist, nothing of
         * the family is deleted (the backups may be failing for good: what is there may be all there will be).
         */
        void lastFailedGuard(Predicate<Kind> family, Kind fullKind, String name) {
            List<RetentionEntry> finished = byId.values().stream()
                    .filter(e -> family.test(e.kind()) && (e.status() == Status.SUCCESS || e.status() == Status.FAILED))
                    .toList();
            Optional<RetentionEntry> last = newest(finished);
            if (last.isEmpty() || last.get().status() != Status.FAILED) {
                return;
            }
            long fulls = finished.stream().filter(e -> e.kind() == fullKind && e.successful()).count();
            if (fulls >= settings.minSuccessfulFulls()) {
                return;
            }
            String reason = "safety: the last " + name + " backup (#" + last.get().id() + ") failed and only " + fulls
                    + " successful full backup(s) exist (at least " + settings.minSuccessfulFulls()
                    + " before anything is deleted)";
            for (RetentionEntry e : byId.values()) {
                boolean inFamily = family.test(e.kind()) || (fullKind == Kind.FULL && e.kind() == Kind.TRANSACTIONAL);
                if (inFamily && !gone.contains(e.id())) {
                    keep(e, reason);
                }
            }
        }

        Map<Long, RetentionDecision> decisions() {
            Map<Long, RetentionDecision> out = new LinkedHashMap<>();
            for (RetentionEntry e : byId.values()) {
                if (gone.contains(e.id())) {
                    out.put(e.id(), new RetentionDecision(e.id(), Verdict.GONE, List.of("expired already"), List.of(),
                            null));
                } else if (keep.containsKey(e.id())) {
                    out.put(e.id(), new RetentionDecision(e.id(), Verdict.KEEP, new ArrayList<>(keep.get(e.id())),
                            new ArrayList<>(safety.getOrDefault(e.id(), Set.of())), until.get(e.id())));
                } else {
                    out.put(e.id(), new RetentionDecision(e.id(), Verdict.DELETE, List.of(deleteReason(e)), List.of(),
                            null));
                }
            }
            return out;
        }

        private String deleteReason(RetentionEntry e) {
            String failed = delete.get(e.id());
            if (failed != null) {
                return failed;
            }
            if (e.kind() == Kind.TRANSACTIONAL) {
                return "binary log from before the point-in-time window (" + settings.binlogDays()
                        + " days), needed by no kept backup";
            }
            return "outside every retention window (daily " + settings.dailyDays() + " days, weekly "
                    + settings.weeklyWeeks() + " weeks, monthly " + settings.monthlyMonths() + " months, yearly "
                    + settings.yearlyYears() + " years), needed by no kept backup";
        }
    }

    /** The newest by the moment it represents (then the highest id: the later of two at the same instant). */
    private static Optional<RetentionEntry> newest(Collection<RetentionEntry> entries) {
        return entries.stream().max(Comparator.comparing(RetentionEntry::takenAt).thenComparing(RetentionEntry::id));
    }

    /** The ISO week of a day, as the preview names it (e.g. {@code 2026-W02}). */
    static String isoWeek(LocalDate day) {
        return day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
