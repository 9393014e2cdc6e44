package br.com.gorgen.backup.catalog;

import java.util.Set;

/** Filters of a history query; null means "any". Validated on construction. */
public record HistoryFilter(String status, String type, int limit) {
    public static final Set<String> STATUSES = Set.of("running", "validating", "success", "failed", "expired");
    public static final Set<String> TYPES = Set.of("full", "incremental", "transactional", "documents-full",
            "documents-incremental");

    public HistoryFilter {
        if (status != null && !STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown status '" + status + "' (expected one of " + STATUSES + ")");
        }
        if (type != null && !TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown type '" + type + "' (expected one of " + TYPES + ")");
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000");
        }
    }
}
