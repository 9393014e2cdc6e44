package br.com.gorgen.backup.catalog;

/** A backup was requested while another one runs. */
public class BackupAlreadyRunningException extends Exception {
    private final long runningId;

    public BackupAlreadyRunningException(long runningId) {
        super(runningId == BackupCoordinator.CLEANUP_HOLD
                ? "the retention clean-up is removing documents contents no kept backup needs; try again in a moment"
                : "backup " + runningId + " is still running");
        this.runningId = runningId;
    }

    public long runningId() {
        return runningId;
    }
}
