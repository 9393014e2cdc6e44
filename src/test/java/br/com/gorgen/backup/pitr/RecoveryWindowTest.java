package br.com.gorgen.backup.pitr;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import br.com.gorgen.backup.catalog.BackupRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecoveryWindowTest {
    private static final Instant T0 = Instant.parse("2026-01-11T06:00:00Z");
    private static long ids = 1;

    private static BackupRecord full(String file, long pos, int minute) {
        return new BackupRecord(ids++, 1, "full", "success", T0.plusSeconds(minute * 60L), null, "k", 1L, "s", null, "t",
                "m", "p", 1L, file, pos, new BackupRecord.Coverage("server-101", T0.plusSeconds(minute * 60L + 5), null,
                        null, null, null, null, null));
    }

    private static BackupRecord shipped(String file, int fromMinute, int toMinute) {
        return new BackupRecord(ids++, 1, "transactional", "success", T0, null, "k/" + file, 1L, "s", null, "t", "m",
                "p", 1L, file, 1000L, new BackupRecord.Coverage("server-101", null, T0.plusSeconds(fromMinute * 60L),
                        T0.plusSeconds(toMinute * 60L), file, 4L, null, null));
    }

    private static Instant at(int minute) {
        return T0.plusSeconds(minute * 60L);
    }

    @Test
    void aFullBackupAndTheConsecutiveLogsAfterItCoverFromTheSnapshotToTheLastEvent() {
        BackupRecord full = full("binlog.000003", 500, 0);
        List<BackupRecord> logs = List.of(shipped("binlog.000003", -10, 5), shipped("binlog.000004", 5, 10),
                shipped("binlog.000005", 10, 15));
        RecoveryWindow w = RecoveryWindow.of(List.of(full), logs);
        assertThat(w.intervals()).containsExactly(new RecoveryWindow.Interval(at(0).plusSeconds(5), at(15).plusSeconds(1)));

        RecoveryWindow.Plan plan = w.planFor(at(7)).orElseThrow();
        assertThat(plan.full()).isEqualTo(full);
        assertThat(plan.startFile()).isEqualTo("binlog.000003");
        assertThat(plan.startPosition()).isEqualTo(500);
        assertThat(plan.files()).extracting(BackupRecord::binlogFile).containsExactly("binlog.000003", "binlog.000004");
        assertThat(plan.stopAt()).isEqualTo(at(7));

        assertThat(w.planFor(at(-1))).as("before the snapshot").isEmpty();
        assertThat(w.planFor(at(16))).as("after the last event").isEmpty();
        assertThat(w.planLatest().orElseThrow().files()).hasSize(3);
        assertThat(w.planLatest().orElseThrow().stopAt()).isNull();
    }

    @Test
    void aMissingFileBreaksTheWindowUntilTheNextFullBackup() {
        BackupRecord first = full("binlog.000003", 500, 0);
        BackupRecord second = full("binlog.000007", 200, 30);
        List<BackupRecord> logs = new ArrayList<>(List.of(shipped("binlog.000003", -10, 5), shipped("binlog.000004", 5, 10),
                // binlog.000005 and 000006 were purged before shipping
                shipped("binlog.000007", 25, 40), shipped("binlog.000008", 40, 50)));
        RecoveryWindow w = RecoveryWindow.of(List.of(first, second), logs);
        assertThat(w.intervals()).hasSize(2);
        assertThat(w.intervals().get(0).to()).isEqualTo(at(10).plusSeconds(1));
        assertThat(w.intervals().get(1).from()).isEqualTo(at(30).plusSeconds(5));
        assertThat(w.planFor(at(20))).as("inside the gap").isEmpty();
        assertThat(w.planFor(at(45)).orElseThrow().full()).isEqualTo(second);
        assertThat(w.earliest()).contains(at(0).plusSeconds(5));
        assertThat(w.latest()).contains(at(50).plusSeconds(1));
    }

    @Test
    void theNewestFullBackupBeforeThePointIsChosen() {
        BackupRecord older = full("binlog.000003", 500, 0);
        BackupRecord newer = full("binlog.000004", 100, 6);
        List<BackupRecord> logs = List.of(shipped("binlog.000003", -10, 5), shipped("binlog.000004", 5, 10),
                shipped("binlog.000005", 10, 15));
        RecoveryWindow w = RecoveryWindow.of(List.of(older, newer), logs);
        assertThat(w.planFor(at(4)).orElseThrow().full()).isEqualTo(older);
        RecoveryWindow.Plan p = w.planFor(at(12)).orElseThrow();
        assertThat(p.full()).isEqualTo(newer);
        assertThat(p.files()).extracting(BackupRecord::binlogFile).containsExactly("binlog.000004", "binlog.000005");
    }

    @Test
    void aRenumberedLogWithTheSameNameIsNotMistakenForTheOldOne() {
        BackupRecord full = full("binlog.000003", 500, 0);
        // after RESET MASTER the server wrote a new binlog.000004 long after the old one
        List<BackupRecord> logs = List.of(shipped("binlog.000003", -10, 5), shipped("binlog.000004", 5, 10),
                shipped("binlog.000004", 100, 110));
        RecoveryWindow w = RecoveryWindow.of(List.of(full), logs);
        assertThat(w.latest()).contains(at(10).plusSeconds(1));
    }

    @Test
    void aPositionIsRecoveredFromTheNewestFullBackupBeforeIt() {
        BackupRecord full = full("binlog.000003", 500, 0);
        List<BackupRecord> logs = List.of(shipped("binlog.000003", -10, 5), shipped("binlog.000004", 5, 10));
        RecoveryWindow w = RecoveryWindow.of(List.of(full), logs);
        RecoveryWindow.Plan p = w.planForPosition("binlog.000004", 700).orElseThrow();
        assertThat(p.files()).hasSize(2);
        assertThat(p.stopPosition()).isEqualTo(700);
        assertThat(w.planForPosition("binlog.000003", 100)).as("before the snapshot position").isEmpty();
        assertThat(w.planForPosition("binlog.000009", 100)).isEmpty();
    }

    @Test
    void aFullBackupWithoutSnapshotCoordinatesStartsNoChain() {
        BackupRecord noBinlog = new BackupRecord(99, 1, "full", "success", T0, null, "k", 1L, "s", null, "t", "m", "p",
                1L, null, null, BackupRecord.Coverage.NONE);
        assertThat(RecoveryWindow.of(List.of(noBinlog), List.of(shipped("binlog.000001", 0, 5))).intervals()).isEmpty();
    }

    private static BackupRecord incremental(long parent, String startFile, String continueAt, int fromMinute, int toMinute) {
        return new BackupRecord(ids++, 1, "incremental", "success", T0, null, "k", 1L, "s", null, "t", "m", "p", 1L,
                continueAt, 4L, new BackupRecord.Coverage("server-101", null, T0.plusSeconds(fromMinute * 60L),
                        T0.plusSeconds(toMinute * 60L), startFile, 500L, parent, null));
    }

    @Test
    void incrementalsExtendTheChainAndShippedLogsContinueWhereTheLastOneEnds() {
        BackupRecord full = full("binlog.000003", 500, 0);
        BackupRecord inc1 = incremental(full.id(), "binlog.000003", "binlog.000005", -10, 60);
        BackupRecord inc2 = incremental(inc1.id(), "binlog.000005", "binlog.000007", 60, 120);
        // the shipped copies of 000003-000006 were already removed (kept for a shorter time); 000007 on is shipped
        List<BackupRecord> logs = List.of(shipped("binlog.000007", 120, 130), shipped("binlog.000008", 130, 140));
        RecoveryWindow w = RecoveryWindow.of(List.of(full), List.of(inc2, inc1), logs);
        assertThat(w.intervals()).containsExactly(new RecoveryWindow.Interval(at(0).plusSeconds(5), at(140).plusSeconds(1)));
        assertThat(w.planFor(at(30)).orElseThrow().files()).containsExactly(inc1);
        assertThat(w.planFor(at(125)).orElseThrow().files()).extracting(BackupRecord::id)
                .containsExactly(inc1.id(), inc2.id(), logs.get(0).id());
        RecoveryWindow.Plan restoreInc2 = w.planForIncremental(inc2.id()).orElseThrow();
        assertThat(restoreInc2.files()).containsExactly(inc1, inc2);
        assertThat(restoreInc2.stopAt()).isNull();
        assertThat(restoreInc2.startPosition()).isEqualTo(500);
        assertThat(w.planForIncremental(logs.get(0).id())).as("a shipped file is no restore point").isEmpty();
    }

    @Test
    void anIncrementalWhoseParentIsMissingStartsNoChain() {
        BackupRecord full = full("binlog.000003", 500, 0);
        BackupRecord orphan = incremental(9999, "binlog.000005", "binlog.000007", 60, 120);
        RecoveryWindow w = RecoveryWindow.of(List.of(full), List.of(orphan), List.of());
        assertThat(w.intervals()).isEmpty();
        assertThat(w.planForIncremental(orphan.id())).isEmpty();
    }
}
