package br.com.gorgen.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.retention.RetentionEntry.Kind;
import br.com.gorgen.backup.retention.RetentionEntry.Status;
import org.junit.jupiter.api.Test;

/** History rows as the policy sees them: the moment each kind represents, its coverage and its chain. */
class RetentionCatalogTest {
    private static final Instant STARTED = Instant.parse("2026-03-01T06:00:00Z");

    private static BackupRecord row(long id, String type, String status, BackupRecord.Coverage c) {
        return new BackupRecord(id, 1, type, status, STARTED, STARTED.plusSeconds(300), "k", 1L, "s", null, "scheduler",
                "m", "p", 1L, null, null, c);
    }

    @Test
    void eachKindIsTakenAtTheMomentItRepresents() {
        Instant snapshot = Instant.parse("2026-03-01T06:00:05Z");
        Instant first = Instant.parse("2026-03-01T05:00:00Z");
        Instant last = Instant.parse("2026-03-01T05:59:59Z");
        RetentionEntry incr = RetentionCatalog.entry(row(7, "incremental", "success",
                new BackupRecord.Coverage("server-1", snapshot, null, null, null, null, 6L, null)));
        assertThat(incr).isEqualTo(new RetentionEntry(7, Kind.INCREMENTAL, Status.SUCCESS, snapshot, snapshot, 6L,
                "server-1", false));
        RetentionEntry log = RetentionCatalog.entry(row(8, "transactional", "success",
                new BackupRecord.Coverage("server-1", null, first, last, null, null, null, null)));
        assertThat(log.takenAt()).isEqualTo(first);
        assertThat(log.coveredUntil()).isEqualTo(last);
        RetentionEntry docs = RetentionCatalog.entry(row(9, "documents-incremental", "validating", null));
        assertThat(docs.takenAt()).isEqualTo(STARTED);
        assertThat(docs.status()).isEqualTo(Status.RUNNING);
        assertThat(docs.parentId()).isNull();
        RetentionEntry full = RetentionCatalog.entry(row(10, "full", "expired", BackupRecord.Coverage.NONE));
        assertThat(full.takenAt()).isEqualTo(STARTED);
        assertThat(full.status()).isEqualTo(Status.EXPIRED);
    }
}
