package br.com.gorgen.backup.restore;

/** A restore that must not go on: nothing has been touched when this is thrown before the load. */
public class RestoreRefusedException extends Exception {
    public RestoreRefusedException(String message) {
        super(message);
    }
}
