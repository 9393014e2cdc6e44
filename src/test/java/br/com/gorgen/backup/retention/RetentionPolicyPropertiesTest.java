package br.com.gorgen.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import br.com.gorgen.backup.retention.RetentionEntry.Kind;
import br.com.gorgen.backup.retention.RetentionEntry.Status;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The retention policy over random catalogs spanning up to eight years, with random settings, failures, gaps,
 * incremental chains, binary logs of two servers, documents snapshots, offline copies and earlier expirations: no
 * safety rule is ever broken, every backup the calendar rules name is kept (checked against an oracle written
 * differently), and applying the verdicts then deciding again deletes nothing more.
 */
class RetentionPolicyPropertiesTest {
    private static final ZoneId SP = RetentionSettings.SAO_PAULO;

    /** A random catalog, the settings and "now". */
    record Scenario(List<RetentionEntry> catalog, RetentionSettings settings, Instant now) {
        @Override
        public String toString() {
            return catalog.size() + " backups up to " + now + ", " + settings;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.longs().map(seed -> scenario(new Random(seed)));
    }

    static Scenario scenario(Random r) {
        RetentionSettings settings = new RetentionSettings(1 + r.nextInt(40), r.nextInt(16), r.nextInt(16), r.nextInt(9),
                r.nextInt(11), 1 + r.nextInt(4), r.nextInt(11), SP);
        LocalDate first = LocalDate.of(2016, 1, 1).plusDays(r.nextInt(900));
        int days = 20 + r.nextInt(8 * 365);
        List<RetentionEntry> out = new ArrayList<>();
        long id = 1;
        Long lastDb = null; // the newest successful database backup: the next incremental's parent
        String source = "server-1";
        double failRate = r.nextDouble() * 0.3;
        for (int i = 0; i < days; i++) {
            LocalDate day = first.plusDays(i);
            if (r.nextDouble() < 0.002) {
                source = source.equals("server-1") ? "server-2" : "server-1"; // a fail-over: new chains
                lastDb = null;
            }
            if (r.nextDouble() < 0.92) { // a gap now and then
                Instant t = day.atTime(3, r.nextInt(60)).atZone(SP).toInstant();
                boolean full = day.getDayOfWeek() == DayOfWeek.SUNDAY || lastDb == null || r.nextDouble() < 0.05;
                Status status = r.nextDouble() < failRate ? Status.FAILED : Status.SUCCESS;
                boolean offline = full && day.getDayOfMonth() <= 7 && day.getDayOfWeek() == DayOfWeek.SUNDAY
                        && r.nextBoolean();
                out.add(new RetentionEntry(id, full ? Kind.FULL : Kind.INCREMENTAL, status, t, null,
                        full ? null : lastDb, source, offline));
                if (status == Status.SUCCESS) {
                    lastDb = id;
                }
                id++;
            }
            if (r.nextDouble() < 0.9) {
                boolean full = day.getDayOfWeek() == DayOfWeek.SUNDAY;
                Status status = r.nextDouble() < failRate ? Status.FAILED : Status.SUCCESS;
                out.add(new RetentionEntry(id++, full ? Kind.DOCUMENTS_FULL : Kind.DOCUMENTS_INCREMENTAL, status,
                        day.atTime(4, 0).atZone(SP).toInstant(), null, null, null, false));
            }
            if (i > days - 60 && r.nextDouble() < 0.9) { // binary logs, the last two months
                for (int h = 0; h < 24; h += 6) {
                    Instant t = day.atTime(h, 0).atZone(SP).toInstant();
                    out.add(new RetentionEntry(id++, Kind.TRANSACTIONAL,
                            r.nextDouble() < failRate / 3 ? Status.FAILED : Status.SUCCESS, t,
                            t.plus(Duration.ofHours(6)).minusSeconds(1), null, source, false));
                }
            }
        }
        List<RetentionEntry> catalog = new ArrayList<>();
        for (RetentionEntry e : out) { // earlier clean-ups, and maybe a backup still running
            Status s = e.status();
            if (r.nextDouble() < 0.03) {
                s = Status.EXPIRED;
            }
            catalog.add(new RetentionEntry(e.id(), e.kind(), s, e.takenAt(), e.coveredUntil(), e.parentId(),
                    e.sourceId(), e.offline()));
        }
        if (r.nextBoolean()) {
            RetentionEntry last = catalog.remove(catalog.size() - 1);
            catalog.add(new RetentionEntry(last.id(), last.kind(), Status.RUNNING, last.takenAt(), last.coveredUntil(),
                    last.parentId(), last.sourceId(), last.offline()));
        }
        Instant now = first.plusDays(days).atStartOfDay(SP).toInstant().plus(Duration.ofMinutes(r.nextInt(3 * 24 * 60)));
        return new Scenario(catalog, settings, now);
    }

    @Property(tries = 300)
    void noSafetyRuleIsEverBroken(@ForAll("scenarios") Scenario s) {
        Map<Long, RetentionDecision> d = new RetentionPolicy(s.settings()).decide(s.catalog(), s.now());
        Map<Long, RetentionEntry> byId = s.catalog().stream().collect(Collectors.toMap(RetentionEntry::id, e -> e));
        assertThat(d.keySet()).containsExactlyInAnyOrderElementsOf(byId.keySet());

        newest(s.catalog(), e -> e.kind() == Kind.FULL && e.successful())
                .ifPresent(e -> assertThat(d.get(e.id()).protections()).as("newest full #%d", e.id()).isNotEmpty());
        for (RetentionEntry e : s.catalog()) {
            RetentionDecision v = d.get(e.id());
            switch (e.status()) {
                case EXPIRED -> assertThat(v.verdict()).isEqualTo(RetentionDecision.Verdict.GONE);
                case RUNNING -> assertThat(v.keep()).as("running #%d", e.id()).isTrue();
                case FAILED -> {
                    if (s.now().isBefore(e.takenAt().plus(Duration.ofDays(s.settings().failedGraceDays())))) {
                        assertThat(v.keep()).as("failed #%d within its grace", e.id()).isTrue();
                    }
                }
                case SUCCESS -> {
                    if (e.offline()) {
                        assertThat(v.keep()).as("offline #%d", e.id()).isTrue();
                    }
                }
            }
            assertThat(v.reasons()).isNotEmpty().containsAll(v.protections());
            if (e.status() == Status.RUNNING || (e.offline() && e.successful())) {
                assertThat(v.protections()).as("#%d cannot be deleted by hand", e.id()).isNotEmpty();
            }
            // a kept incremental's parent, when still there, is kept
            if (e.kind() == Kind.INCREMENTAL && v.keep() && e.parentId() != null) {
                RetentionEntry parent = byId.get(e.parentId());
                if (parent != null && parent.status() != Status.EXPIRED) {
                    assertThat(d.get(parent.id()).protections()).as("parent #%d of kept incremental #%d", parent.id(),
                            e.id()).isNotEmpty();
                    assertThat(d.get(parent.id()).reasons()).anyMatch(x -> !x.isBlank());
                }
            }
        }
        // the point-in-time window: every log inside it, and per source the full it starts from with every log after
        if (s.settings().binlogDays() > 0) {
            Instant windowStart = s.now().minus(Duration.ofDays(s.settings().binlogDays()));
            Map<String, List<RetentionEntry>> bySource = s.catalog().stream()
                    .filter(e -> e.successful() && e.sourceId() != null)
                    .collect(Collectors.groupingBy(RetentionEntry::sourceId));
            for (List<RetentionEntry> source : bySource.values()) {
                Optional<RetentionEntry> base = newest(source,
                        e -> e.kind() == Kind.FULL && !e.takenAt().isAfter(windowStart));
                base.ifPresent(b -> assertThat(d.get(b.id()).keep()).as("window base #%d", b.id()).isTrue());
                Instant from = base.map(RetentionEntry::takenAt).orElse(windowStart);
                source.stream().filter(e -> e.kind() == Kind.TRANSACTIONAL && !e.coveredUntil().isBefore(from))
                        .forEach(e -> assertThat(d.get(e.id()).keep()).as("log #%d", e.id()).isTrue());
            }
        }
        // while the last database backup failed and too few successful fulls exist, nothing of it is deleted
        Optional<RetentionEntry> lastDb = newest(s.catalog(),
                e -> e.kind().database() && (e.status() == Status.SUCCESS || e.status() == Status.FAILED));
        long fulls = s.catalog().stream().filter(e -> e.kind() == Kind.FULL && e.successful()).count();
        if (lastDb.isPresent() && lastDb.get().status() == Status.FAILED && fulls < s.settings().minSuccessfulFulls()) {
            s.catalog().stream().filter(e -> e.kind().database() || e.kind() == Kind.TRANSACTIONAL)
                    .forEach(e -> assertThat(d.get(e.id()).delete()).as("#%d under the guard", e.id()).isFalse());
        }
    }

    @Property(tries = 300)
    void everyBackupTheCalendarRulesNameIsKept(@ForAll("scenarios") Scenario s) {
        Map<Long, RetentionDecision> d = new RetentionPolicy(s.settings()).decide(s.catalog(), s.now());
        LocalDate today = LocalDate.ofInstant(s.now(), SP);
        RetentionSettings st = s.settings();
        for (Predicate<Kind> family : List.<Predicate<Kind>>of(Kind::database, Kind::documents)) {
            List<RetentionEntry> ok = s.catalog().stream().filter(e -> e.successful() && family.test(e.kind())).toList();
            // walk the calendar backwards, period by period (the policy groups instead)
            for (int i = 0; i < st.dailyDays(); i++) {
                LocalDate day = today.minusDays(i);
                expectNewestKept(d, ok, e -> day(e).equals(day), false, "daily " + day);
            }
            for (int i = 0; i < st.weeklyWeeks(); i++) {
                LocalDate monday = today.minusWeeks(i).with(DayOfWeek.MONDAY);
                expectNewestKept(d, ok, e -> !day(e).isBefore(monday) && day(e).isBefore(monday.plusDays(7)), true,
                        "week of " + monday);
            }
            for (int i = 0; i < st.monthlyMonths(); i++) {
                YearMonth month = YearMonth.from(today).minusMonths(i);
                expectNewestKept(d, ok, e -> YearMonth.from(day(e)).equals(month), true, "month " + month);
            }
            for (int i = 0; i < st.yearlyYears(); i++) {
                int year = today.getYear() - i;
                expectNewestKept(d, ok, e -> day(e).getYear() == year, true, "year " + year);
            }
        }
    }

    @Property(tries = 300)
    void decidingAgainAfterTheCleanUpDeletesNothingMore(@ForAll("scenarios") Scenario s) {
        RetentionPolicy policy = new RetentionPolicy(s.settings());
        Map<Long, RetentionDecision> first = policy.decide(s.catalog(), s.now());
        List<RetentionEntry> after = s.catalog().stream()
                .map(e -> first.get(e.id()).delete() ? new RetentionEntry(e.id(), e.kind(), Status.EXPIRED, e.takenAt(),
                        e.coveredUntil(), e.parentId(), e.sourceId(), e.offline()) : e)
                .toList();
        Map<Long, RetentionDecision> second = policy.decide(after, s.now());
        assertThat(second.values()).noneMatch(RetentionDecision::delete);
        assertThat(second.values().stream().filter(RetentionDecision::keep).map(RetentionDecision::id).toList())
                .isEqualTo(first.values().stream().filter(RetentionDecision::keep).map(RetentionDecision::id).toList());
    }

    private static void expectNewestKept(Map<Long, RetentionDecision> d, List<RetentionEntry> ok,
            Predicate<RetentionEntry> inPeriod, boolean preferFull, String period) {
        List<RetentionEntry> in = ok.stream().filter(inPeriod).toList();
        Optional<RetentionEntry> chosen = preferFull ? newest(in, e -> e.kind().selfContained()) : Optional.empty();
        if (chosen.isEmpty()) {
            chosen = newest(in, e -> true);
        }
        chosen.ifPresent(e -> assertThat(d.get(e.id()).keep()).as("%s: #%d", period, e.id()).isTrue());
    }

    private static LocalDate day(RetentionEntry e) {
        return LocalDate.ofInstant(e.takenAt(), SP);
    }

    private static Optional<RetentionEntry> newest(List<RetentionEntry> entries, Predicate<RetentionEntry> filter) {
        return entries.stream().filter(filter)
                .max(Comparator.comparing(RetentionEntry::takenAt).thenComparing(RetentionEntry::id));
    }
}
