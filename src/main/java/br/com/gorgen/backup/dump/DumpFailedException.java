package br.com.gorgen.backup.dump;

/**
 * A database dump did not produce a complete, trustworthy backup.
 *
 * <p>The message is written for humans: it ends up in the backup history and in alert e-mails, so it states
 * what went wrong in one or a few lines (exit code and the first lines of the tool's error output, truncation,
 * missing tables...). It never contains the database password: messages built by this package are passed
 * through a redactor that masks the password read from the option file.
 */
public class DumpFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message human-readable description, free of secrets
     */
    public DumpFailedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with an underlying cause.
     *
     * @param message human-readable description, free of secrets
     * @param cause   the technical cause
     */
    public DumpFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
