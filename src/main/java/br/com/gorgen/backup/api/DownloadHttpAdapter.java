package br.com.gorgen.backup.api;

import java.io.InputStream;
import java.util.List;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.AsyncInputStream;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP transport of the download route. platform-http writes every streamed body with chunked encoding and no
 * {@code Content-Length}; a download needs its length (progress, resumption). This adapter receives
 * {@code GET /api/backup/download/{id}} on the same HTTP server, hands the request to the Camel route
 * {@code direct:backup-api-download} (authentication, lookup, audit: all in the route), and writes the route's answer
 * itself: the stored object streams from S3 with its exact length, without being held in memory.
 */
public class DownloadHttpAdapter implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadHttpAdapter.class);
    static final String PATH = "/api/backup/download/:id";
    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Content-Disposition", "Content-Range",
            "Accept-Ranges", "X-Checksum-SHA256", "X-Backup-Bucket", "X-Object-Size");

    private final CamelContext context;
    private ProducerTemplate template;

    public DownloadHttpAdapter(CamelContext context) {
        this.context = context;
    }

    @Override
    public void onCamelContextStarted(CamelContext camelContext, boolean alreadyStarted) {
        // the HTTP server is up once everything has started
    }

    @Override
    public synchronized void onCamelContextFullyStarted(CamelContext camelContext, boolean alreadyStarted) {
        if (template != null) {
            return;
        }
        VertxPlatformHttpRouter router = camelContext.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .findFirst().orElse(null);
        if (router == null) {
            LOG.error("No platform-http server: GET {} cannot be served", PATH);
            return;
        }
        template = camelContext.createProducerTemplate();
        router.get(PATH).order(-1000).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        Exchange request = new DefaultExchange(context);
        Message in = request.getIn();
        in.setHeader("Authorization", rc.request().getHeader("Authorization"));
        in.setHeader("Range", rc.request().getHeader("Range"));
        in.setHeader("id", rc.pathParam("id"));
        in.setHeader("artifact", rc.request().getParam("artifact"));
        rc.vertx().<Exchange>executeBlocking(() -> template.send("direct:backup-api-download", request), false)
                .onComplete(done -> {
                    HttpServerResponse response = rc.response();
                    if (done.failed()) {
                        LOG.error("Download failed", done.cause());
                        response.setStatusCode(500).putHeader("Content-Type", "application/json")
                                .end("{\"error\":\"internal_error\",\"reason\":\"the download could not be served\"}");
                        return;
                    }
                    write(rc, done.result().getMessage());
                });
    }

    private void write(RoutingContext rc, Message answer) {
        HttpServerResponse response = rc.response();
        response.setStatusCode(answer.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
        for (String h : RESPONSE_HEADERS) {
            Object v = answer.getHeader(h);
            if (v != null) {
                response.putHeader(h, v.toString());
            }
        }
        Object body = answer.getBody();
        if (body instanceof InputStream stream) {
            response.putHeader("Content-Length", answer.getHeader("X-Content-Length", String.class));
            AsyncInputStream source = new AsyncInputStream(rc.vertx(), rc.vertx().getOrCreateContext(), stream);
            // the stream is closed however the transfer ends: that releases the download's pin on the backup
            source.pipeTo(response).onComplete(done -> {
                if (done.failed()) {
                    LOG.warn("Download interrupted: {}", done.cause().getMessage());
                }
                source.close(closed -> { });
                try {
                    stream.close();
                } catch (java.io.IOException e) {
                    LOG.debug("Closing a download stream: {}", e.getMessage());
                }
            });
        } else {
            response.end(body == null ? "" : body.toString());
        }
    }
}
