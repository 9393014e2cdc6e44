package br.com.gorgen.backup.storage;

import java.net.SocketException;
import java.net.SocketTimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Decides which faults of a backup run are worth retrying. Only storage faults qualify (a failed dump or a full
 * local disk is final): network failures talking to S3, server-side errors (5xx, 429 throttling,
 * 408 timeouts), and a storage route that is not started yet because its bucket was unreachable at start-up.
 * Client errors (403 access denied, 404 no such bucket) are final.
 */
public class TransientStorageFaults {
    /** onWhen predicate of the storage retry policy. */
    public boolean matches(Exchange exchange) {
        Throwable t = exchange.getException();
        if (t == null) {
            t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        return isTransient(t);
    }

    public boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ChecksumMismatchException) {
                return false;
            }
            if (c instanceof SdkServiceException s) {
                int code = s.statusCode();
                return code >= 500 || code == 429 || code == 408;
            }
            if (c instanceof SdkClientException || c instanceof SocketException || c instanceof SocketTimeoutException
                    || c instanceof DirectConsumerNotAvailableException) {
                return true;
            }
        }
        return false;
    }
}
