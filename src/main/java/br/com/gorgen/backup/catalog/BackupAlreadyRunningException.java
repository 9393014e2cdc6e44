package br.com.gorgen.backup.catalog;

/** A backup was requested while another one runs. */
public class BackupAlreadyRunningException extends Exception {
    private final long runningId;

    public BackupAlreadyRunningException(long runningId) {
        super("backup " + runningId + " is still running");
        this.runningId = runningId;
    }

    public long runningId() {
        return runningId;
    }
}
