package br.com.gorgen.backup.retention;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.storage.ObjectLockedException;

/**
 * Removes one backup: its own folder in both buckets ({@link BackupKeyLayout#ownFolder}: never anything outside it,
 * never shared documents contents; every version of them in a versioned bucket), then marks its history row
 * {@code expired} with why (the row stays forever). Nothing is touched while an object is under S3 Object Lock.
 */
public class BackupExpirer {
    /** What was removed: the folder (null when the backup had no object) and the objects deleted per bucket. */
    public record Removed(String folder, Map<String, Integer> objects) {
    }

    private final BackupHistory history;
    private final BackupBuckets buckets;
    private final BackupKeyLayout layout;
    private final Clock clock;

    public BackupExpirer(BackupHistory history, BackupBuckets buckets, BackupKeyLayout layout, Clock clock) {
        this.clock = clock;
        this.history = history;
        this.buckets = buckets;
        this.layout = layout;
    }

    /** The folder that would be deleted; empty when the row has keys that are not a folder of its own. */
    public Optional<String> folderOf(BackupRecord r) {
        return layout.ownFolder(r.id(), r.type(), r.filePath(), r.manifestPath());
    }

    /** Whether the row's keys let it be removed by folder (or it has no object at all). */
    public boolean removable(BackupRecord r) {
        return folderOf(r).isPresent() || (r.filePath() == null && r.manifestPath() == null);
    }

    /**
     * @throws IllegalStateException when the row's keys are not a folder of its own (nothing is touched)
     * @throws ObjectLockedException when an object of the folder is under S3 Object Lock until later (nothing is
     *     touched: the clean-up tries again after that date)
     */
    public Removed expire(BackupRecord r, String note) throws SQLException {
        if (!removable(r)) {
            throw new IllegalStateException("backup " + r.id() + "'s objects are not in a folder of its own under "
                    + layout.tenantRoot());
        }
        String folder = folderOf(r).orElse(null);
        Map<String, Integer> removed = new LinkedHashMap<>();
        if (folder != null) {
            // every bucket is checked before anything is deleted: never half a backup
            for (BackupBuckets.Bucket b : buckets.both()) {
                Instant locked = b.lockedUntil(folder, false, clock.instant());
                if (locked != null) {
                    throw new ObjectLockedException(b.name(), folder, locked);
                }
            }
            for (BackupBuckets.Bucket b : buckets.both()) {
                removed.put(b.name(), b.deleteUnder(folder));
            }
        }
        history.markExpired(r.id(), note);
        return new Removed(folder, removed);
    }
}
