package br.com.gorgen.backup.catalog;

import java.util.ArrayList;
import java.util.List;

import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.support.ErrorMessages;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The rule every removal of a backup's folder follows (the clean-up of a failed run, a failed backup past its grace,
 * an expired or deleted backup): the folder is deleted only when nothing else names it. A shipped binary log is
 * stored under a folder named by its file, so a failed shipment and the later successful shipment of the same file
 * share it; the folder then belongs to the successful one, whose row or manifest says so.
 */
public class FolderOwners {
    private final BackupHistory history;
    private final BackupBuckets buckets;

    public FolderOwners(BackupHistory history, BackupBuckets buckets) {
        this.history = history;
        this.buckets = buckets;
    }

    /**
     * Null when the folder holds nothing of another backup (it may be deleted for {@code backupId}); else who else it
     * belongs to, in words. Other rows are asked for every type; the folder's manifests only where folders are shared
     * (shipped binary logs), where a manifest that cannot be read (other than missing) is a doubt that keeps it.
     */
    public String otherOwner(long backupId, String type, String folder) throws java.sql.SQLException {
        List<String> owners = new ArrayList<>();
        for (BackupRecord r : history.othersUnder(folder, backupId)) {
            owners.add("backup #" + r.id() + " (" + r.status() + ")");
        }
        if (!"transactional".equals(type)) {
            // the folder is named with the backup's id: no other backup's manifest can be in it
            return owners.isEmpty() ? null : String.join(", ", owners);
        }
        for (BackupBuckets.Bucket b : buckets.both()) {
            String key = folder + "manifest.json";
            try {
                JsonNode manifest = b.readJson(key);
                long named = manifest.path("backupId").asLong(-1);
                if (named != backupId) {
                    owners.add("the manifest of backup #" + named + " in " + b.name());
                }
            } catch (RuntimeException e) {
                if (!missing(e)) {
                    owners.add("a manifest in " + b.name() + " that cannot be read (" + ErrorMessages.describe(e) + ")");
                }
            }
        }
        return owners.isEmpty() ? null : String.join(", ", owners.stream().distinct().toList());
    }

    private static boolean missing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSuchKeyException || (t instanceof S3Exception s && s.statusCode() == 404)) {
                return true;
            }
        }
        return false;
    }
}
