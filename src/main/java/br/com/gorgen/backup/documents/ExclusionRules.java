package br.com.gorgen.backup.documents;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Which document keys are left out (cache, sessions, temporary uploads): glob patterns over the key relative to the
 * configured prefix, {@code *} within one path segment and {@code **} across segments, e.g. {@code cache/**},
 * {@code **}{@code /*.tmp}, {@code sessions/**}. Patterns are separated by commas.
 */
public final class ExclusionRules {
    private final List<String> patterns;
    private final List<PathMatcher> matchers;

    private ExclusionRules(List<String> patterns) {
        this.patterns = patterns;
        this.matchers = new ArrayList<>();
        for (String p : patterns) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
        }
    }

    /** From a comma-separated list; blank entries are ignored. A malformed pattern is refused with its text. */
    public static ExclusionRules parse(String commaSeparated) {
        List<String> out = new ArrayList<>();
        for (String p : (commaSeparated == null ? "" : commaSeparated).split(",")) {
            String t = p.strip();
            if (!t.isEmpty()) {
                try {
                    FileSystems.getDefault().getPathMatcher("glob:" + t);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("BACKUP_DOCUMENTS_EXCLUDE: '" + t + "' is not a valid glob pattern: "
                            + e.getMessage(), e);
                }
                out.add(t);
            }
        }
        return new ExclusionRules(List.copyOf(out));
    }

    public boolean excludes(String key) {
        if (matchers.isEmpty() || key.isEmpty()) {
            return false;
        }
        Path path;
        try {
            path = Path.of(key);
        } catch (RuntimeException e) {
            return false; // a key no pattern can describe is kept
        }
        for (PathMatcher m : matchers) {
            if (m.matches(path)) {
                return true;
            }
        }
        return false;
    }

    public List<String> patterns() {
        return patterns;
    }
}
