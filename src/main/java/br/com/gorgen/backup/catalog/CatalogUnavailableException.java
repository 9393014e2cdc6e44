package br.com.gorgen.backup.catalog;

/** The database holding backup_history cannot be reached: nothing can be recorded, so nothing starts. */
public class CatalogUnavailableException extends Exception {
    public CatalogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
