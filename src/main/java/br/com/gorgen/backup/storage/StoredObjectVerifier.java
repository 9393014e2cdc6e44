package br.com.gorgen.backup.storage;

import java.io.InputStream;

import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.Sha256;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Reads back a stored object (the body is the streamed S3 GetObject response) and compares its SHA-256 with the
 * one computed while it was written. Constant memory whatever the object size.
 */
public class StoredObjectVerifier implements Processor {
    public static final String BUCKET_HEADER = "BackupStoreBucket";

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String expected = in.getHeader(BackupHeaders.STORE_SHA256, String.class);
        String key = in.getHeader(BackupHeaders.STORE_KEY, String.class);
        String bucket = in.getHeader(BUCKET_HEADER, String.class);
        String actual;
        try (InputStream body = in.getMandatoryBody(InputStream.class)) {
            actual = Sha256.of(body);
        }
        if (!actual.equalsIgnoreCase(expected)) {
            throw new ChecksumMismatchException("SHA-256 mismatch after upload of s3://" + bucket + "/" + key + ": read back "
                    + actual + ", expected " + expected);
        }
        in.setBody(null);
    }
}
