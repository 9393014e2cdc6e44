package br.com.gorgen.backup.api;

import br.com.gorgen.backup.api.ApiKeys.Caller;
import br.com.gorgen.backup.api.ApiKeys.Role;
import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * First step of every /api route: checks {@code Authorization: Bearer <key>} against the hashed keys and the role
 * the route needs. The Authorization header is removed so that the key travels no further.
 */
public class ApiAuthenticator {
    private final ApiKeys keys;

    public ApiAuthenticator(ApiKeys keys) {
        this.keys = keys;
    }

    public void requireAdmin(Exchange exchange) throws ApiException {
        require(exchange, Role.ADMIN);
    }

    public void requireMaster(Exchange exchange) throws ApiException {
        require(exchange, Role.MASTER);
    }

    /**
     * Request headers arrive as message headers: a caller must not be able to pose as a step of ours (our own
     * headers) or steer a producer (camel-sql's query header, aws2-s3's bucket and key headers).
     */
    static final String FORGEABLE = "(?i)(Backup|Api|Audit|Notify|Restore|Pitr|Binlog|Documents|Retention|Reconciliation|Deletion|Download|Pin"
            + "|CamelSql|CamelAwsS3|CamelFile|CamelExec).*";

    private void require(Exchange exchange, Role needed) throws ApiException {
        Message in = exchange.getIn();
        in.removeHeaders(FORGEABLE);
        String header = in.getHeader("Authorization", String.class);
        in.removeHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw new ApiException(401, "unauthorized", "missing API key: send 'Authorization: Bearer <key>'");
        }
        Caller caller = keys.lookup(header.substring(7).trim())
                .orElseThrow(() -> new ApiException(401, "unauthorized", "invalid API key"));
        in.setHeader(BackupHeaders.API_CALLER, caller.name());
        in.setHeader(BackupHeaders.API_ROLE, caller.role().name().toLowerCase());
        if (!caller.role().covers(needed)) {
            throw new ApiException(403, "forbidden",
                    "this operation needs the '" + needed.name().toLowerCase() + "' role; key '" + caller.name()
                            + "' has '" + caller.role().name().toLowerCase() + "'");
        }
    }
}
