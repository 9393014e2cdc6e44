package br.com.gorgen.backup.storage;

import java.util.function.Consumer;

import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;

/**
 * After an upload: decides whether the object must be read back to be verified. It need not when the caller asked
 * for ETag verification ({@link BackupHeaders#STORE_VERIFY} {@code etag}) and the server answered the upload with the
 * ETag computed while the object was written ({@link S3Etag}): the server then holds exactly the bytes that were
 * sent. Anything else (read-back asked, no ETag, another ETag form) sets {@link #READ_BACK}, and the store route
 * downloads the object and compares its SHA-256, which is what decides.
 */
public class StoredEtagCheck implements Processor {
    /** Header: true when the store route must read the object back. */
    public static final String READ_BACK = "BackupStoreReadBack";

    private final Consumer<String> verifiedBy;

    /** @param verifiedBy told {@code etag} or {@code readback} for every object (a metric) */
    public StoredEtagCheck(Consumer<String> verifiedBy) {
        this.verifiedBy = verifiedBy;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        boolean etagVerified = "etag".equals(in.getHeader(BackupHeaders.STORE_VERIFY, String.class))
                && S3Etag.matches(in.getHeader(BackupHeaders.STORE_ETAG, String.class),
                        in.getHeader(AWS2S3Constants.E_TAG, String.class));
        in.setHeader(READ_BACK, !etagVerified);
        verifiedBy.accept(etagVerified ? "etag" : "readback");
    }
}
