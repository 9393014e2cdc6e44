package br.com.gorgen.backup.documents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a documents backup must read, given the previous snapshot and the current listing (pure logic). An object the
 * source reports unchanged (same size, ETag and last-modified) keeps its recorded SHA-256 without being read, unless
 * the backup is full (a full backup reads and hashes everything again); every other object is read, hashed and, when
 * its content is not stored yet, stored. Objects of the previous snapshot that are gone are the deletions.
 */
public record ChangePlan(List<DocumentEntry> unchanged, List<ListedObject> toRead, List<String> deleted) {

    public static ChangePlan of(Map<String, DocumentEntry> previous, List<ListedObject> listing, boolean full) {
        return of(previous, listing, full, sha256 -> true);
    }

    /**
     * As above, and an unchanged object whose content the content index no longer holds ({@code stored} false: its
     * object was collected by retention, or the index was rebuilt) is read again, so that no snapshot can name an
     * object that is gone.
     */
    public static ChangePlan of(Map<String, DocumentEntry> previous, List<ListedObject> listing, boolean full,
            java.util.function.Predicate<String> stored) {
        List<DocumentEntry> unchanged = new ArrayList<>();
        List<ListedObject> toRead = new ArrayList<>();
        Map<String, DocumentEntry> gone = new LinkedHashMap<>(previous);
        for (ListedObject o : listing) {
            DocumentEntry before = gone.remove(o.key());
            if (!full && before != null && before.sameAs(o) && before.sha256() != null
                    && stored.test(before.sha256())) {
                unchanged.add(before);
            } else {
                toRead.add(o);
            }
        }
        return new ChangePlan(unchanged, toRead, List.copyOf(gone.keySet()));
    }

    public long bytesToRead() {
        return toRead.stream().mapToLong(ListedObject::size).sum();
    }
}
