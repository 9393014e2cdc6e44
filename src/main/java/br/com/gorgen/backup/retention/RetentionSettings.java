package br.com.gorgen.backup.retention;

import java.time.ZoneId;
import java.util.Objects;

/**
 * The numbers of the retention policy (defaults: the seed plan's).
 *
 * @param dailyDays one backup a day (the day's newest) for the current day and the days before it, this many days
 * @param weeklyWeeks one a week (ISO weeks, Monday to Sunday) for this many weeks
 * @param monthlyMonths one a month for this many months
 * @param yearlyYears one a year for this many years (LGPD/CFM: 7)
 * @param binlogDays the point-in-time window: shipped binary logs are kept this many days, with the full backup
 *     they start from
 * @param minSuccessfulFulls while the last backup failed, nothing is deleted unless at least this many successful
 *     full backups exist
 * @param failedGraceDays failed backups (their leftover objects) are cleaned this many days after they started
 * @param zone the calendar of the windows
 */
public record RetentionSettings(int dailyDays, int weeklyWeeks, int monthlyMonths, int yearlyYears, int binlogDays,
        int minSuccessfulFulls, int failedGraceDays, ZoneId zone) {

    public static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo");

    /** The seed plan: daily 30 days, weekly 12 weeks, monthly 12 months, yearly 7 years, binary logs 7 days. */
    public static RetentionSettings defaults() {
        return new RetentionSettings(30, 12, 12, 7, 7, 3, 7, SAO_PAULO);
    }

    public RetentionSettings {
        Objects.requireNonNull(zone, "zone");
        requireAtLeast("daily days", dailyDays, 1);
        requireAtLeast("weekly weeks", weeklyWeeks, 0);
        requireAtLeast("monthly months", monthlyMonths, 0);
        requireAtLeast("yearly years", yearlyYears, 0);
        requireAtLeast("binary-log days", binlogDays, 0);
        requireAtLeast("minimum successful full backups", minSuccessfulFulls, 1);
        requireAtLeast("failed grace days", failedGraceDays, 0);
    }

    private static void requireAtLeast(String what, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("retention " + what + " must be at least " + min + ": " + value);
        }
    }
}
