package br.com.gorgen.backup.retention;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupPins;
import br.com.gorgen.backup.catalog.BackupRecord;
import br.com.gorgen.backup.catalog.FolderOwners;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.storage.ObjectLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes one backup: its own folder in both buckets ({@link BackupKeyLayout#ownFolder}: never anything outside it,
 * never shared documents contents; every version of them in a versioned bucket), then marks its history row
 * {@code expired} with why (the row stays forever). In this order, each step refusing what the one before cannot
 * know:
 * <ol>
 * <li>nothing is touched while an object of the folder is under S3 Object Lock;</li>
 * <li>the row is claimed ({@link BackupPins#claimForRemoval}): a backup pinned by a restore, a drill, a download or
 * a rebuild since the caller decided is refused, and nothing can pin it from then on;</li>
 * <li>the folder is deleted only when no other backup's row or manifest names it ({@link FolderOwners}: a failed
 * shipment of a binary log shares its folder with the successful one); otherwise only the row is expired.</li>
 * </ol>
 * A removal a stop interrupted (the row left {@code expiring}) is finished at the next start ({@link #resume}).
 */
public class BackupExpirer {
    private static final Logger LOG = LoggerFactory.getLogger(BackupExpirer.class);

    /** What was removed: the folder (null when nothing was deleted) and the objects deleted per bucket. */
    public record Removed(String folder, Map<String, Integer> objects, String leftFor) {
    }

    /** A backup in use (pinned) or changed since the decision: nothing was touched. */
    public static class InUseException extends Exception {
        public InUseException(String message) {
            super(message);
        }
    }

    private final BackupHistory history;
    private final BackupBuckets buckets;
    private final BackupKeyLayout layout;
    private final BackupPins pins;
    private final FolderOwners owners;
    private final Clock clock;
    private final java.util.function.Function<BackupRecord, Optional<BackupRecord>> completed;

    /** @param completed a failed backup's success row when it is complete in both buckets after all (its manifest) */
    public BackupExpirer(BackupHistory history, BackupBuckets buckets, BackupKeyLayout layout, BackupPins pins, Clock clock,
            java.util.function.Function<BackupRecord, Optional<BackupRecord>> completed) {
        this.completed = completed;
        this.clock = clock;
        this.history = history;
        this.buckets = buckets;
        this.layout = layout;
        this.pins = pins;
        this.owners = new FolderOwners(history, buckets);
    }

    /** The folder that would be deleted; empty when the row has keys that are not a folder of its own. */
    public Optional<String> folderOf(BackupRecord r) {
        return layout.ownFolder(r.id(), r.type(), r.filePath(), r.manifestPath());
    }

    /** Whether the row's keys let it be removed by folder (or it has no object at all). */
    public boolean removable(BackupRecord r) {
        return folderOf(r).isPresent() || (r.filePath() == null && r.manifestPath() == null)
                || ("".equals(r.filePath()) && r.manifestPath() == null);
    }

    /**
     * @throws IllegalStateException when the row's keys are not a folder of its own (nothing is touched)
     * @throws ObjectLockedException when an object of the folder is under S3 Object Lock until later (nothing is
     *     touched: the clean-up tries again after that date)
     * @throws InUseException when the backup was pinned, or its status changed, since the caller decided
     */
    public Removed expire(BackupRecord r, String note) throws SQLException, InUseException {
        if (!removable(r)) {
            throw new IllegalStateException("backup " + r.id() + "'s objects are not in a folder of its own under "
                    + layout.tenantRoot());
        }
        String folder = folderOf(r).orElse(null);
        if (folder != null) {
            // every bucket is checked before anything is deleted: never half a backup
            for (BackupBuckets.Bucket b : buckets.both()) {
                Instant locked = b.lockedUntil(folder, false, clock.instant());
                if (locked != null) {
                    throw new ObjectLockedException(b.name(), folder, locked);
                }
            }
        }
        if ("failed".equals(r.status())) {
            // a row recorded failed whose backup is whole in both buckets (the catalog failed, not the backup)
            Optional<BackupRecord> whole = completed.apply(r);
            if (whole.isPresent() && history.closeFromManifest(whole.get(), "closed from its manifest, complete in "
                    + "both buckets, instead of being removed as a failed backup")) {
                throw new InUseException("backup " + r.id() + " was recorded failed but is complete in both buckets: "
                        + "closed as success from its manifest instead of being removed");
            }
        }
        String refusal = pins.claimForRemoval(r.id(), r.status());
        if (refusal != null) {
            throw new InUseException("backup " + r.id() + " was not removed: " + refusal);
        }
        return removeClaimed(r, folder, note);
    }

    /** Finishes removals a stop interrupted (rows left {@code expiring}); returns their ids. */
    public List<Long> resume() throws SQLException {
        List<BackupRecord> rows = history.expiring();
        for (BackupRecord r : rows) {
            LOG.warn("Backup {}: its removal was interrupted by a stop of the service; finishing it", r.id());
            removeClaimed(r, folderOf(r).orElse(null), "removal finished after a restart of the service");
        }
        return rows.stream().map(BackupRecord::id).toList();
    }

    private Removed removeClaimed(BackupRecord r, String folder, String note) throws SQLException {
        Map<String, Integer> removed = new LinkedHashMap<>();
        String leftFor = folder == null ? null : owners.otherOwner(r.id(), r.type(), folder);
        if (folder != null && leftFor == null) {
            for (BackupBuckets.Bucket b : buckets.both()) {
                removed.put(b.name(), b.deleteUnder(folder));
            }
        }
        history.markExpired(r.id(), leftFor == null ? note : note + " (objects left in place: " + folder
                + " also belongs to " + leftFor + ")");
        return new Removed(leftFor == null ? folder : null, removed, leftFor);
    }
}
