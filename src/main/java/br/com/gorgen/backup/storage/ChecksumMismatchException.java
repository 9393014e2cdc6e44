package br.com.gorgen.backup.storage;

/** A stored object does not hash to what was written: never retried, always a CRITICAL alert. */
public class ChecksumMismatchException extends Exception {
    public ChecksumMismatchException(String message) {
        super(message);
    }
}
