package br.com.gorgen.backup.api;

import br.com.gorgen.backup.support.ErrorMessages;
import br.com.gorgen.backup.support.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes API answers as JSON; used by the API routes and by their error handler. */
public class ApiResponder {
    private static final Logger LOG = LoggerFactory.getLogger(ApiResponder.class);

    public static void respond(Exchange exchange, int status, Object body) {
        Message in = exchange.getIn();
        in.removeHeader(Exchange.CONTENT_LENGTH); // the request's, if any
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        in.setBody(Json.write(body));
    }

    /** Last step of every API route: only response headers go back to the caller, never an internal one. */
    public void finish(Exchange exchange) {
        exchange.getIn().removeHeaders("*", Exchange.HTTP_RESPONSE_CODE, Exchange.CONTENT_TYPE,
                "Content-Disposition", "Content-Range", "Accept-Ranges", "X-Checksum-SHA256", "X-Backup-Bucket", "X-Object-Size",
                "X-Content-Length");
    }

    /** Error handler of the API routes: known refusals keep their status; anything else is a 500 without internals. */
    public void error(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        ApiException api = find(e);
        if (api == null) {
            LOG.error("API call {} failed", exchange.getIn().getHeader(Exchange.HTTP_URI), e);
            api = new ApiException(500, "internal_error", "the request could not be completed: " + ErrorMessages.describe(e));
        }
        exchange.getIn().removeHeaders("*", Exchange.HTTP_RESPONSE_CODE);
        if (exchange.getIn().getBody() instanceof java.io.Closeable open) {
            try {
                open.close(); // a download's stream (and the pin it holds) does not outlive the refusal
            } catch (java.io.IOException ignored) {
                // it is being discarded
            }
        }
        respond(exchange, api.status(), api.body());
    }

    private static ApiException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiException a) {
                return a;
            }
        }
        return null;
    }
}
