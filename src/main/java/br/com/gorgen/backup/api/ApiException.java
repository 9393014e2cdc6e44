package br.com.gorgen.backup.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** An API answer other than success: HTTP status, a short error code and a human reason (JSON body). */
public class ApiException extends Exception {
    private final int status;
    private final String error;
    private final Map<String, Object> extra;

    public ApiException(int status, String error, String reason) {
        this(status, error, reason, Map.of());
    }

    public ApiException(int status, String error, String reason, Map<String, Object> extra) {
        super(reason);
        this.status = status;
        this.error = error;
        this.extra = extra;
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("reason", getMessage());
        body.putAll(extra);
        return body;
    }

    public static ApiException badRequest(String reason) {
        return new ApiException(400, "bad_request", reason);
    }

    /** 503: the catalog database could not answer; {@code what} names what was asked of it (e.g. "history"). */
    public static ApiException catalogUnavailable(String what, Exception cause) {
        return new ApiException(503, "catalog_unavailable",
                what + " unavailable: " + br.com.gorgen.backup.support.ErrorMessages.describe(cause));
    }
}
