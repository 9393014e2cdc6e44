package br.com.gorgen.backup.catalog;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who runs in each lane (one database backup and one documents backup at a time): a backup's id, a placeholder while
 * it starts, or {@link #CLEANUP_HOLD} while the retention clean-up removes what backups of that lane stored. A backup
 * asked for during a hold waits for its end (it lasts seconds), at most the given time.
 */
final class RunLanes {
    /** The value a lane holds while the retention clean-up collects what its backups stored. */
    static final long CLEANUP_HOLD = -2;

    private final Map<String, Long> running = new ConcurrentHashMap<>();
    private final Object holds = new Object();

    Optional<Long> get(String lane) {
        return Optional.ofNullable(running.get(lane));
    }

    /**
     * Claims the lane with a placeholder, after waiting (at most {@code maxWaitMs}) for a clean-up's hold to end.
     *
     * @throws BackupAlreadyRunningException with what holds the lane when it is taken
     */
    void claim(String lane, long placeholder, long maxWaitMs) throws BackupAlreadyRunningException, InterruptedException {
        long deadline = System.currentTimeMillis() + maxWaitMs;
        synchronized (holds) {
            long left;
            while (Long.valueOf(CLEANUP_HOLD).equals(running.get(lane))
                    && (left = deadline - System.currentTimeMillis()) > 0) {
                holds.wait(left);
            }
        }
        Long other = running.putIfAbsent(lane, placeholder);
        if (other != null) {
            throw new BackupAlreadyRunningException(other);
        }
    }

    void set(String lane, long id) {
        running.put(lane, id);
    }

    void remove(String lane) {
        running.remove(lane);
    }

    /** Frees whichever lane the backup holds. */
    void release(long id) {
        running.values().remove(id);
    }

    /** Holds the lane for the clean-up; false (nothing held) when a backup of it runs or starts. */
    boolean hold(String lane) {
        return running.putIfAbsent(lane, CLEANUP_HOLD) == null;
    }

    void releaseHold(String lane) {
        synchronized (holds) {
            running.remove(lane, CLEANUP_HOLD);
            holds.notifyAll();
        }
    }
}
