package br.com.gorgen.backup.restore;

/** A restore that started loading and failed; the message is meant for the history row and the alert. */
public class RestoreFailedException extends Exception {
    public RestoreFailedException(String message) {
        super(message);
    }

    public RestoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
