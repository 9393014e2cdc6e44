package br.com.gorgen.backup.documents;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChangePlanTest {
    private static final Instant T = Instant.parse("2026-01-10T12:00:00Z");

    private static DocumentEntry entry(String key, long size, String etag) {
        return new DocumentEntry(key, size, etag, T, "sha-" + key);
    }

    @Test
    void anIncrementalReadsOnlyNewAndChangedObjectsAndListsTheDeletions() {
        Map<String, DocumentEntry> before = Map.of("a.pdf", entry("a.pdf", 10, "e1"), "b.pdf", entry("b.pdf", 20, "e2"),
                "c.pdf", entry("c.pdf", 30, "e3"));
        List<ListedObject> now = List.of(new ListedObject("a.pdf", 10, "e1", T), // unchanged
                new ListedObject("b.pdf", 21, "e2b", T.plusSeconds(5)), // changed
                new ListedObject("d.pdf", 40, "e4", T)); // new; c.pdf deleted
        ChangePlan p = ChangePlan.of(before, now, false);
        assertThat(p.unchanged()).extracting(DocumentEntry::key).containsExactly("a.pdf");
        assertThat(p.unchanged().get(0).sha256()).isEqualTo("sha-a.pdf");
        assertThat(p.toRead()).extracting(ListedObject::key).containsExactly("b.pdf", "d.pdf");
        assertThat(p.deleted()).containsExactly("c.pdf");
        assertThat(p.bytesToRead()).isEqualTo(61);
    }

    @Test
    void aSameSizeRewriteWithAnotherEtagOrTimeIsRead() {
        Map<String, DocumentEntry> before = Map.of("a.pdf", entry("a.pdf", 10, "e1"));
        assertThat(ChangePlan.of(before, List.of(new ListedObject("a.pdf", 10, "other", T)), false).toRead()).hasSize(1);
        assertThat(ChangePlan.of(before, List.of(new ListedObject("a.pdf", 10, "e1", T.plusSeconds(1))), false).toRead())
                .hasSize(1);
    }

    @Test
    void aFullBackupReadsEverything() {
        Map<String, DocumentEntry> before = Map.of("a.pdf", entry("a.pdf", 10, "e1"));
        ChangePlan p = ChangePlan.of(before, List.of(new ListedObject("a.pdf", 10, "e1", T)), true);
        assertThat(p.unchanged()).isEmpty();
        assertThat(p.toRead()).hasSize(1);
        assertThat(p.deleted()).isEmpty();
    }

    @Test
    void anUnchangedObjectWhoseContentIsNoLongerStoredIsReadAgain() {
        Map<String, DocumentEntry> before = Map.of("a.pdf", entry("a.pdf", 10, "e1"), "b.pdf", entry("b.pdf", 20, "e2"));
        List<ListedObject> now = List.of(new ListedObject("a.pdf", 10, "e1", T), new ListedObject("b.pdf", 20, "e2", T));
        ChangePlan p = ChangePlan.of(before, now, false, sha -> !sha.equals("sha-b.pdf"));
        assertThat(p.unchanged()).extracting(DocumentEntry::key).containsExactly("a.pdf");
        assertThat(p.toRead()).extracting(ListedObject::key).containsExactly("b.pdf");
    }
}
