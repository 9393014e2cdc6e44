package br.com.gorgen.backup.notify;

/** How urgent a notification is. CRITICAL means data may be unprotected. */
public enum Severity {
    INFO, WARNING, CRITICAL
}
