package br.com.gorgen.backup.support;

import java.sql.SQLException;

/** Turns exceptions into one human-readable line for history rows, alerts and API answers (no stack traces). */
public final class ErrorMessages {
    private ErrorMessages() {
    }

    public static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        Throwable root = t;
        StringBuilder sb = new StringBuilder();
        // Camel wraps the interesting exception: walk to the first one with our own message.
        while (root.getCause() != null && root != root.getCause()
                && (root instanceof org.apache.camel.CamelExecutionException
                        || root instanceof org.apache.camel.RuntimeCamelException
                        // "Multicast processing failed for number 0. Exchange[...]": the store of both buckets
                        || root instanceof org.apache.camel.CamelExchangeException
                        || root.getMessage() == null)) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        if (root instanceof SQLException) {
            sb.append("database error: ");
        } else if (root instanceof software.amazon.awssdk.core.exception.SdkException) {
            sb.append("storage error: ");
        }
        sb.append(msg == null ? root.getClass().getSimpleName() : msg);
        String s = sb.toString().replaceAll("\\s+", " ").trim();
        return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
    }

    /** The start of a tool's error output kept in a file (empty when there is none), for an error message. */
    public static String fileText(java.nio.file.Path file) {
        try {
            String text = java.nio.file.Files.exists(file)
                    ? java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip() : "";
            return text.length() > 1500 ? text.substring(0, 1500) + "…" : text;
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
