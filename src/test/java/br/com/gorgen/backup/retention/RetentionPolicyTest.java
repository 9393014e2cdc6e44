package br.com.gorgen.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.retention.RetentionDecision.Verdict;
import br.com.gorgen.backup.retention.RetentionEntry.Kind;
import br.com.gorgen.backup.retention.RetentionEntry.Status;
import org.junit.jupiter.api.Test;

/** Each rule of the retention policy on fixed dates, including year boundaries, DST changes and leap days. */
class RetentionPolicyTest {
    private static final ZoneId SP = RetentionSettings.SAO_PAULO;
    private final List<RetentionEntry> catalog = new ArrayList<>();
    private long nextId = 1;

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SP).toInstant();
    }

    private RetentionEntry add(Kind kind, Status status, Instant takenAt, Long parent) {
        RetentionEntry e = new RetentionEntry(nextId++, kind, status, takenAt, null, parent, "server-1", false);
        catalog.add(e);
        return e;
    }

    private RetentionEntry full(String when) {
        return add(Kind.FULL, Status.SUCCESS, at(when), null);
    }

    private static RetentionSettings only(int daily, int weekly, int monthly, int yearly) {
        return new RetentionSettings(daily, weekly, monthly, yearly, 0, 1, 7, SP);
    }

    private Map<Long, RetentionDecision> decide(RetentionSettings settings, String now) {
        return new RetentionPolicy(settings).decide(catalog, at(now));
    }

    private static List<Long> kept(Map<Long, RetentionDecision> d) {
        return d.values().stream().filter(RetentionDecision::keep).map(RetentionDecision::id).toList();
    }

    @Test
    void dailyKeepsTheNewestBackupOfEachOfTheLastDays() {
        LocalDate first = LocalDate.parse("2026-01-01");
        for (int i = 0; i < 60; i++) {
            full(first.plusDays(i) + "T03:00");
            full(first.plusDays(i) + "T15:00"); // a manual one later the same day: the day's newest
        }
        Map<Long, RetentionDecision> d = decide(only(30, 0, 0, 0), "2026-03-01T10:00");
        // days 2026-01-31 .. 2026-03-01 (30 days), one each: on 2026-03-01 the 15:00 one (after "now": a clock
        // difference, kept whatever happens), so that day's 03:00 one goes
        assertThat(kept(d)).hasSize(30);
        assertThat(d.get(catalog.get(2 * 59 + 1).id()).reasons())
                .containsExactly("taken after now (clock difference)", "daily 2026-03-01", "newest successful full backup");
        assertThat(d.get(catalog.get(2 * 30 + 1).id()).reasons()).containsExactly("daily 2026-01-31");
        assertThat(d.get(catalog.get(2 * 30).id()).verdict()).isEqualTo(Verdict.DELETE);
        assertThat(d.get(catalog.get(2 * 29 + 1).id()).reasons().get(0)).startsWith("outside every retention window");
    }

    @Test
    void isoWeeksCrossTheYearBoundary() {
        RetentionEntry dec31 = full("2025-12-31T03:00"); // ISO week 2026-W01 (Monday 2025-12-29)
        RetentionEntry dec28 = full("2025-12-28T03:00"); // Sunday: 2025-W52
        Map<Long, RetentionDecision> d = decide(only(1, 4, 0, 0), "2026-01-10T12:00");
        assertThat(d.get(dec31.id()).reasons()).contains("weekly 2026-W01");
        assertThat(d.get(dec28.id()).reasons()).containsExactly("weekly 2025-W52");
    }

    @Test
    void daysFollowSaoPauloClocksAcrossADstChange() {
        // 2018-11-04: clocks went from 00:00 to 01:00 (UTC-3 to UTC-2)
        RetentionEntry before = add(Kind.FULL, Status.SUCCESS, Instant.parse("2018-11-04T02:30:00Z"), null);
        RetentionEntry after = add(Kind.FULL, Status.SUCCESS, Instant.parse("2018-11-04T03:30:00Z"), null);
        Map<Long, RetentionDecision> d = decide(only(30, 0, 0, 0), "2018-11-10T12:00");
        assertThat(d.get(before.id()).reasons()).containsExactly("daily 2018-11-03");
        assertThat(d.get(after.id()).reasons()).contains("daily 2018-11-04");
    }

    @Test
    void aLeapDayIsADayAndFebruaryAMonth() {
        RetentionEntry leap = full("2024-02-29T03:00");
        full("2024-02-28T03:00");
        full("2025-03-01T03:00");
        Map<Long, RetentionDecision> d = decide(only(1, 0, 24, 0), "2025-03-01T12:00");
        assertThat(d.get(leap.id()).reasons()).containsExactly("monthly 2024-02");
        assertThat(decide(only(400, 0, 0, 0), "2025-02-28T12:00").get(leap.id()).reasons())
                .containsExactly("daily 2024-02-29");
    }

    @Test
    void weeklyMonthlyAndYearlyPreferAFullBackupOfThePeriod() {
        RetentionEntry sunday = full("2026-01-04T03:00");
        RetentionEntry monday = add(Kind.INCREMENTAL, Status.SUCCESS, at("2026-01-05T03:00"), sunday.id());
        RetentionEntry tuesday = add(Kind.INCREMENTAL, Status.SUCCESS, at("2026-01-06T03:00"), monday.id());
        full("2027-06-01T03:00"); // the newest full, in another year
        Map<Long, RetentionDecision> d = decide(only(1, 0, 0, 3), "2027-06-01T12:00");
        assertThat(d.get(sunday.id()).reasons()).containsExactly("yearly 2026");
        assertThat(d.get(tuesday.id()).verdict()).isEqualTo(Verdict.DELETE);
    }

    @Test
    void aKeptIncrementalKeepsItsWholeChain() {
        RetentionEntry f = full("2026-01-01T03:00");
        RetentionEntry i1 = add(Kind.INCREMENTAL, Status.SUCCESS, at("2026-01-02T03:00"), f.id());
        RetentionEntry i2 = add(Kind.INCREMENTAL, Status.SUCCESS, at("2026-01-03T03:00"), i1.id());
        RetentionEntry i3 = add(Kind.INCREMENTAL, Status.SUCCESS, at("2026-01-04T03:00"), i2.id());
        RetentionEntry newer = full("2026-03-01T03:00");
        Map<Long, RetentionDecision> d = decide(only(1, 0, 0, 0), "2026-03-01T12:00");
        assertThat(d.get(i3.id()).verdict()).isEqualTo(Verdict.DELETE);
        d = decide(only(60, 0, 0, 0), "2026-03-01T12:00"); // 2026-01-04 is now a daily
        assertThat(d.get(i3.id()).reasons()).containsExactly("daily 2026-01-04");
        assertThat(d.get(i2.id()).reasons()).containsExactly("daily 2026-01-03", "needed by incremental #" + i3.id());
        d = decide(only(57, 0, 0, 0), "2026-03-01T12:00"); // first day 2026-01-04: only i3 by the calendar
        assertThat(d.get(i2.id()).reasons()).containsExactly("needed by incremental #" + i3.id());
        assertThat(d.get(i1.id()).reasons()).containsExactly("needed by incremental #" + i2.id());
        assertThat(d.get(f.id()).reasons()).containsExactly("needed by incremental #" + i1.id());
        assertThat(d.get(newer.id()).reasons()).contains("newest successful full backup");
    }

    @Test
    void theNewestSuccessfulFullIsKeptWhateverItsAge() {
        RetentionEntry old = full("2010-01-01T03:00");
        add(Kind.FULL, Status.FAILED, at("2010-01-08T03:00"), null);
        add(Kind.FULL, Status.SUCCESS, at("2009-01-01T03:00"), null);
        Map<Long, RetentionDecision> d = decide(new RetentionSettings(1, 0, 0, 0, 0, 1, 7, SP), "2026-01-01T12:00");
        assertThat(d.get(old.id()).reasons()).containsExactly("newest successful full backup");
    }

    @Test
    void thePointInTimeWindowKeepsItsBaseFullAndEveryLogFromIt() {
        RetentionEntry base = full("2026-02-18T03:00");  // newest full before now - 7 days
        RetentionEntry olderFull = full("2026-02-11T03:00");
        RetentionEntry later = full("2026-02-25T03:00");
        List<RetentionEntry> logs = new ArrayList<>();
        for (Instant t = at("2026-02-10T00:00"); t.isBefore(at("2026-03-01T12:00")); t = t.plus(Duration.ofHours(6))) {
            RetentionEntry log = new RetentionEntry(nextId++, Kind.TRANSACTIONAL, Status.SUCCESS, t,
                    t.plus(Duration.ofHours(6)).minusSeconds(1), null, "server-1", false);
            catalog.add(log);
            logs.add(log);
        }
        Map<Long, RetentionDecision> d = decide(new RetentionSettings(1, 0, 0, 0, 7, 1, 7, SP), "2026-03-01T12:00");
        assertThat(d.get(base.id()).reasons()).containsExactly("start of the point-in-time window (7 days)");
        assertThat(d.get(olderFull.id()).verdict()).isEqualTo(Verdict.DELETE);
        assertThat(d.get(later.id()).reasons()).contains("newest successful full backup");
        for (RetentionEntry log : logs) {
            boolean needed = !log.coveredUntil().isBefore(base.takenAt());
            assertThat(d.get(log.id()).keep()).as("log taken %s", log.takenAt()).isEqualTo(needed);
        }
        RetentionEntry bridging = logs.stream().filter(l -> l.takenAt().equals(at("2026-02-18T00:00"))).findFirst()
                .orElseThrow();
        assertThat(d.get(bridging.id()).reasons())
                .containsExactly("bridges full backup #" + base.id() + " to the point-in-time window (7 days)");
        assertThat(d.get(logs.get(0).id()).reasons().get(0)).startsWith("binary log from before the point-in-time");
    }

    @Test
    void nothingIsDeletedWhileTheLastBackupFailedAndTooFewFullsExist() {
        full("2020-01-01T03:00");
        full("2020-02-01T03:00");
        RetentionEntry failed = add(Kind.FULL, Status.FAILED, at("2026-01-01T03:00"), null);
        RetentionSettings settings = new RetentionSettings(1, 0, 0, 0, 0, 3, 7, SP);
        Map<Long, RetentionDecision> d = decide(settings, "2026-03-01T12:00");
        assertThat(d.values()).allMatch(RetentionDecision::keep);
        assertThat(d.get(1L).reasons()).singleElement().asString()
                .contains("the last database backup (#" + failed.id() + ") failed").contains("only 2 successful");
        full("2019-01-01T03:00");
        d = decide(settings, "2026-03-01T12:00");
        assertThat(d.get(1L).verdict()).isEqualTo(Verdict.DELETE);
        assertThat(d.get(failed.id()).reasons().get(0)).contains("grace period");
    }

    @Test
    void failedBackupsWaitForTheirGracePeriodRunningAndOfflineOnesStay() {
        full("2026-02-01T03:00");
        RetentionEntry recentFailure = add(Kind.INCREMENTAL, Status.FAILED, at("2026-02-27T03:00"), null);
        RetentionEntry oldFailure = add(Kind.INCREMENTAL, Status.FAILED, at("2026-02-10T03:00"), null);
        RetentionEntry running = add(Kind.FULL, Status.RUNNING, at("2020-01-01T03:00"), null);
        RetentionEntry offline = new RetentionEntry(nextId++, Kind.FULL, Status.SUCCESS, at("2015-01-04T03:00"), null,
                null, null, true);
        catalog.add(offline);
        RetentionEntry expired = add(Kind.FULL, Status.EXPIRED, at("2015-01-01T03:00"), null);
        full("2026-02-28T03:00");
        Map<Long, RetentionDecision> d = decide(only(1, 0, 0, 0), "2026-03-01T12:00");
        assertThat(d.get(recentFailure.id()).reasons()).containsExactly("failed: its leftovers are cleaned after 2026-03-06");
        assertThat(d.get(oldFailure.id()).verdict()).isEqualTo(Verdict.DELETE);
        assertThat(d.get(running.id()).reasons()).containsExactly("running");
        assertThat(d.get(offline.id()).reasons()).containsExactly("offline copy (kept forever)");
        assertThat(d.get(expired.id()).verdict()).isEqualTo(Verdict.GONE);
    }

    @Test
    void documentsSnapshotsHaveTheirOwnWindows() {
        RetentionEntry docsFull = add(Kind.DOCUMENTS_FULL, Status.SUCCESS, at("2026-01-04T04:00"), null);
        RetentionEntry docsIncr = add(Kind.DOCUMENTS_INCREMENTAL, Status.SUCCESS, at("2026-02-28T04:00"), null);
        RetentionEntry oldIncr = add(Kind.DOCUMENTS_INCREMENTAL, Status.SUCCESS, at("2026-01-05T04:00"), null);
        full("2026-02-28T03:00");
        Map<Long, RetentionDecision> d = decide(only(1, 0, 0, 0), "2026-03-01T12:00");
        assertThat(d.get(docsFull.id()).reasons()).containsExactly("newest successful documents full backup");
        assertThat(d.get(docsIncr.id()).reasons()).containsExactly("newest documents snapshot");
        assertThat(d.get(oldIncr.id()).verdict()).isEqualTo(Verdict.DELETE);
        assertThat(decide(only(30, 0, 0, 0), "2026-03-01T12:00").get(docsIncr.id()).reasons())
                .contains("documents daily 2026-02-28");
    }

    @Test
    void keepUntilIsTheEndOfTheLongestCalendarRuleWhosePeriodIsOver() {
        RetentionEntry lastYear = full("2025-12-20T03:00"); // the newest full of 2025
        RetentionEntry monthly = full("2026-01-05T03:00"); // Monday: week 2026-W02, January
        RetentionEntry daily = add(Kind.INCREMENTAL, Status.SUCCESS, at("2026-03-09T03:00"), null);
        RetentionEntry today = full("2026-03-10T03:00");
        Map<Long, RetentionDecision> d = decide(RetentionSettings.defaults(), "2026-03-10T10:00");
        // yearly 2025 with 7 years: kept through 2031, midnight in Sao Paulo (UTC-3)
        assertThat(d.get(lastYear.id()).keepUntil()).isEqualTo(Instant.parse("2032-01-01T03:00:00Z"));
        // monthly 2026-01 with 12 months (its week, 2026-W02, ends sooner); 2026 is not over: no yearly date
        assertThat(d.get(monthly.id()).keepUntil()).isEqualTo(Instant.parse("2027-01-01T03:00:00Z"));
        // an incremental is the newest of its day only: 30 days from that day
        assertThat(d.get(daily.id()).keepUntil()).isEqualTo(Instant.parse("2026-04-08T03:00:00Z"));
        // today's backup is kept by every rule, but each period is still open (a newer backup may take its place)
        assertThat(d.get(today.id()).keep()).isTrue();
        assertThat(d.get(today.id()).keepUntil()).isNull();
        RetentionEntry failed = add(Kind.FULL, Status.FAILED, at("2026-03-09T04:00"), null);
        assertThat(decide(RetentionSettings.defaults(), "2026-03-10T10:00").get(failed.id()).keepUntil()).isNull();
    }
    @Test
    void aPinnedBackupIsKeptByASafetyRuleWithItsChainAndEvenTheWholeCatalogWhenTheCatalogIsPinned() {
        RetentionEntry old = full("2025-06-01T03:00");
        RetentionEntry base = full("2025-07-01T03:00");
        RetentionEntry incr = add(Kind.INCREMENTAL, Status.SUCCESS, at("2025-07-02T03:00"), base.id());
        RetentionEntry failed = add(Kind.FULL, Status.FAILED, at("2025-07-03T03:00"), null);
        full("2026-03-01T03:00");
        RetentionPolicy policy = new RetentionPolicy(only(1, 0, 0, 0));
        Instant now = at("2026-03-01T12:00");
        assertThat(policy.decide(catalog, now).get(old.id()).verdict()).isEqualTo(Verdict.DELETE);

        Map<Long, RetentionDecision> d = policy.decide(catalog, now,
                Map.of(old.id(), List.of("restore #12", "download 3f9a by ops"), incr.id(), List.of("drill #13")));
        assertThat(d.get(old.id()).reasons()).containsExactly("in use by restore #12, download 3f9a by ops");
        assertThat(d.get(old.id()).protections()).containsExactly("in use by restore #12, download 3f9a by ops");
        // a pinned incremental needs its full backup
        assertThat(d.get(incr.id()).protections()).containsExactly("in use by drill #13");
        assertThat(d.get(base.id()).protections()).containsExactly("needed by incremental #" + incr.id());
        // a pin gives no Object Lock date: only a calendar rule whose period is over does
        assertThat(d.get(old.id()).keepUntil()).isNull();
        assertThat(d.get(failed.id()).verdict()).isEqualTo(Verdict.DELETE);

        Map<Long, RetentionDecision> rebuilding = policy.decide(catalog, now, Map.of(0L, List.of("catalog rebuild")));
        assertThat(rebuilding.values()).allSatisfy(v -> assertThat(v.protections()).contains("in use by catalog rebuild"));
    }
    @Test
    void aSafetyBackupNeverTakesThePlaceOfTheBackupOfItsDayAndIsKeptTheDailyWindowOnItsOwn() {
        RetentionEntry restored = full("2026-03-01T03:00");
        RetentionEntry safety = new RetentionEntry(nextId++, Kind.FULL, Status.SUCCESS, at("2026-03-01T10:00"), null,
                null, "server-1", false, 12L);
        catalog.add(safety);
        Map<Long, RetentionDecision> d = decide(RetentionSettings.defaults(), "2026-03-01T12:00");
        assertThat(d.get(restored.id()).reasons()).contains("daily 2026-03-01", "weekly 2026-W09", "monthly 2026-03");
        assertThat(d.get(safety.id()).reasons()).containsExactly("safety backup before restore #12 (until 2026-03-31)",
                "newest successful full backup");
        full("2026-03-02T03:00");
        Map<Long, RetentionDecision> later = decide(RetentionSettings.defaults(), "2026-04-01T12:00");
        assertThat(later.get(safety.id()).verdict()).isEqualTo(Verdict.DELETE);
        assertThat(later.get(restored.id()).keep()).isTrue();
    }
}
