package br.com.gorgen.backup.support;

import org.apache.camel.support.service.ServiceSupport;

/** Closes a resource (connection pool, S3 client) when the Camel context stops. */
public final class ClosingService extends ServiceSupport {
    private final AutoCloseable resource;

    private ClosingService(AutoCloseable resource) {
        this.resource = resource;
    }

    public static ClosingService of(AutoCloseable resource) {
        return new ClosingService(resource);
    }

    @Override
    protected void doStop() throws Exception {
        resource.close();
    }
}
