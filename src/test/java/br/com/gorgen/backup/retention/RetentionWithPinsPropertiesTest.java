package br.com.gorgen.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import br.com.gorgen.backup.retention.RetentionEntry.Kind;
import br.com.gorgen.backup.retention.RetentionEntry.Status;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random sequences of the service's own operations, interleaved as the real threads can interleave them: backups
 * (some failing), restores, drills and point-in-time recoveries that pin what they read while they run (and the
 * safety backup a production restore takes, followed by a clean-up), deletions by hand, clean-ups whose removals
 * each claim their backup after the decision (a restore may start between the decision and the claim), and time
 * passing. Decisions come from the real {@link RetentionPolicy} with the pins of the moment; a pin and a claim
 * exclude each other as {@code BackupPins} makes them (one row lock). Checked at every removal: no running restore
 * reads the removed backup, it is not the newest successful full backup, and a restore never starts on a backup a
 * removal has claimed.
 */
class RetentionWithPinsPropertiesTest {

    /** The catalog, the pins and the restores running, as the service holds them. */
    static final class World {
        final Random r;
        final RetentionPolicy policy;
        final Map<Long, RetentionEntry> catalog = new TreeMap<>();
        final Map<Long, List<String>> pins = new TreeMap<>();
        final Map<String, Set<Long>> restores = new LinkedHashMap<>();
        final List<String> log = new ArrayList<>();
        Instant now = Instant.parse("2025-01-05T06:00:00Z");
        long nextId = 1;
        long nextRestore = 1;
        int removals;
        /** Whether other operations may run between a clean-up's decision and its claims. */
        boolean interleave = true;

        World(long seed) {
            r = new Random(seed);
            policy = new RetentionPolicy(new RetentionSettings(1 + r.nextInt(10), r.nextInt(5), r.nextInt(4),
                    r.nextInt(3), r.nextInt(4), 1 + r.nextInt(3), r.nextInt(4), RetentionSettings.SAO_PAULO));
        }

        RetentionEntry add(Kind kind, Status status, Long parent) {
            now = now.plus(Duration.ofMinutes(1 + r.nextInt(600)));
            RetentionEntry e = new RetentionEntry(nextId++, kind, status, now,
                    kind == Kind.TRANSACTIONAL ? now.plus(Duration.ofMinutes(5)) : null, parent, "server-1", false);
            catalog.put(e.id(), e);
            log.add("backup #" + e.id() + " " + kind + " " + status);
            return e;
        }

        Optional<RetentionEntry> newest(Kind kind) {
            return catalog.values().stream().filter(e -> e.kind() == kind && e.status() == Status.SUCCESS)
                    .max(Comparator.comparing(RetentionEntry::takenAt).thenComparing(RetentionEntry::id));
        }

        void backup() {
            Status status = r.nextInt(6) == 0 ? Status.FAILED : Status.SUCCESS;
            switch (r.nextInt(5)) {
                case 0 -> add(Kind.FULL, status, null);
                case 1 -> {
                    Optional<RetentionEntry> parent = catalog.values().stream()
                            .filter(e -> e.kind().database() && e.status() == Status.SUCCESS)
                            .max(Comparator.comparing(RetentionEntry::takenAt));
                    if (parent.isPresent()) {
                        add(Kind.INCREMENTAL, status, parent.get().id());
                    } else {
                        add(Kind.FULL, status, null);
                    }
                }
                case 2 -> add(Kind.TRANSACTIONAL, status, null);
                case 3 -> add(r.nextBoolean() ? Kind.DOCUMENTS_FULL : Kind.DOCUMENTS_INCREMENTAL, status, null);
                default -> now = now.plus(Duration.ofDays(1 + r.nextInt(20)));
            }
        }

        /** What a restore of {@code e} reads: the backup, an incremental's chain, a recovery's binary logs. */
        Set<Long> reads(RetentionEntry e, boolean pointInTime) {
            Set<Long> out = new HashSet<>();
            RetentionEntry x = e;
            while (x != null && out.add(x.id()) && x.parentId() != null) {
                x = catalog.get(x.parentId());
            }
            if (pointInTime && e.kind() == Kind.FULL) {
                catalog.values().stream().filter(t -> t.kind() == Kind.TRANSACTIONAL && t.status() == Status.SUCCESS
                        && t.takenAt().isAfter(e.takenAt())).forEach(t -> out.add(t.id()));
            }
            return out;
        }

        /** A restore (or drill, or recovery) starts: it pins everything it reads, all or none. */
        void startRestore() {
            List<RetentionEntry> candidates = catalog.values().stream()
                    .filter(e -> e.status() == Status.SUCCESS && e.kind() != Kind.TRANSACTIONAL).toList();
            if (candidates.isEmpty()) {
                return;
            }
            RetentionEntry chosen = candidates.get(r.nextInt(candidates.size()));
            Set<Long> reads = reads(chosen, r.nextBoolean());
            boolean pinnable = reads.stream().allMatch(id -> catalog.get(id).status() == Status.SUCCESS);
            if (!pinnable) {
                log.add("restore of #" + chosen.id() + " refused: something it reads is being removed");
                return;
            }
            String owner = (r.nextInt(4) == 0 ? "drill #" : "restore #") + nextRestore++;
            reads.forEach(id -> pins.computeIfAbsent(id, k -> new ArrayList<>()).add(owner));
            restores.put(owner, reads);
            log.add(owner + " reads " + reads);
            if (r.nextBoolean()) {
                // a production restore: its safety backup, then (with the shipped defaults) a clean-up
                add(Kind.FULL, r.nextInt(5) == 0 ? Status.FAILED : Status.SUCCESS, null);
                cleanup();
            }
        }

        void endRestore() {
            if (restores.isEmpty()) {
                return;
            }
            String owner = new ArrayList<>(restores.keySet()).get(r.nextInt(restores.size()));
            restores.remove(owner).forEach(id -> {
                pins.get(id).remove(owner);
                if (pins.get(id).isEmpty()) {
                    pins.remove(id);
                }
            });
            log.add(owner + " ended");
        }

        /** The claim: the decided status still holds and nothing pins the backup (checked under one row lock). */
        boolean claim(long id, Status decided) {
            RetentionEntry e = catalog.get(id);
            if (e.status() != decided || pins.containsKey(id) || pins.containsKey(0L)) {
                return false;
            }
            remove(e);
            return true;
        }

        void remove(RetentionEntry e) {
            for (Map.Entry<String, Set<Long>> restore : restores.entrySet()) {
                assertThat(restore.getValue()).as("%s reads backup #%d, being removed; %s", restore.getKey(), e.id(), log)
                        .doesNotContain(e.id());
            }
            newest(Kind.FULL).ifPresent(n -> assertThat(n.id()).as("newest full removed; %s", log).isNotEqualTo(e.id()));
            catalog.put(e.id(), new RetentionEntry(e.id(), e.kind(), Status.EXPIRED, e.takenAt(), e.coveredUntil(),
                    e.parentId(), e.sourceId(), e.offline()));
            removals++;
            log.add("removed #" + e.id());
        }

        void cleanup() {
            Map<Long, List<String>> pinsNow = new TreeMap<>();
            pins.forEach((k, v) -> pinsNow.put(k, List.copyOf(v)));
            Map<Long, RetentionDecision> decisions = policy.decide(catalog.values(), now, pinsNow);
            List<RetentionEntry> decidedOn = List.copyOf(catalog.values());
            for (RetentionEntry e : decidedOn) {
                if (!decisions.get(e.id()).delete()) {
                    continue;
                }
                if (interleave && r.nextInt(3) == 0) {
                    startRestore(); // a restore that starts after the decision, before this removal's claim
                }
                if (interleave && r.nextInt(8) == 0) {
                    endRestore();
                }
                claim(e.id(), e.status());
            }
        }

        void deleteByHand() {
            List<RetentionEntry> live = catalog.values().stream().filter(e -> e.status() == Status.SUCCESS).toList();
            if (live.isEmpty()) {
                return;
            }
            RetentionEntry e = live.get(r.nextInt(live.size()));
            RetentionDecision d = policy.decide(catalog.values(), now, pins).get(e.id());
            if (!d.protections().isEmpty()) {
                log.add("deletion of #" + e.id() + " refused: " + d.protections());
                return;
            }
            if (r.nextBoolean()) {
                startRestore();
            }
            claim(e.id(), e.status());
        }

        void step() {
            switch (r.nextInt(10)) {
                case 0, 1, 2, 3 -> backup();
                case 4, 5 -> startRestore();
                case 6 -> endRestore();
                case 7 -> cleanup();
                case 8 -> deleteByHand();
                default -> now = now.plus(Duration.ofDays(r.nextInt(3)));
            }
        }
    }

    @Property(tries = 400)
    void noBackupInUseOrNeededIsEverRemovedWhateverTheOrderOfOperations(@ForAll long seed) {
        World w = new World(seed);
        for (int i = 0; i < 300; i++) {
            w.step();
        }
        // every restore ends; then a clean-up may remove what they held, and nothing breaks
        while (!w.restores.isEmpty()) {
            w.endRestore();
        }
        w.interleave = false;
        w.cleanup();
        assertThat(w.pins).isEmpty();
    }

    @Property(tries = 50)
    void aPinOnTheWholeCatalogStopsEveryRemoval(@ForAll long seed) {
        World w = new World(seed);
        for (int i = 0; i < 150; i++) {
            w.backup();
        }
        w.pins.put(0L, new ArrayList<>(List.of("catalog rebuild")));
        int before = w.removals;
        w.now = w.now.plus(Duration.ofDays(400));
        w.cleanup();
        assertThat(w.removals).isEqualTo(before);
        assertThat(w.policy.decide(w.catalog.values(), w.now, w.pins).values())
                .noneMatch(RetentionDecision::delete);
    }
}
