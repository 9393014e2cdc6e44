package br.com.gorgen.backup.storage;

import java.io.File;
import java.util.Map;

import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;

/**
 * Turns the "store this file" headers into an aws2-s3 upload: the body becomes the local file (so the producer
 * streams it in parts with a known length), and the key, length, content type and SHA-256 metadata are set.
 * Left-over aws2-s3 headers of an earlier call (another bucket) are removed first.
 */
public class ObjectUploadPreparer implements Processor {
    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        in.removeHeaders("CamelAwsS3*");
        File file = new File(in.getHeader(BackupHeaders.STORE_FILE, String.class));
        in.setBody(file);
        in.setHeader(AWS2S3Constants.KEY, in.getHeader(BackupHeaders.STORE_KEY, String.class));
        in.setHeader(AWS2S3Constants.CONTENT_LENGTH, file.length());
        in.setHeader(AWS2S3Constants.CONTENT_TYPE,
                in.getHeader(BackupHeaders.STORE_CONTENT_TYPE, "application/octet-stream", String.class));
        in.setHeader(AWS2S3Constants.METADATA, Map.of("sha256", in.getHeader(BackupHeaders.STORE_SHA256, String.class)));
        // where the archiver computed the MD5 (the expected ETag of a single PUT), the server checks the body with it
        // and refuses a damaged upload (BadDigest) instead of storing it
        String contentMd5 = S3Etag.contentMd5(in.getHeader(BackupHeaders.STORE_ETAG, String.class));
        if (contentMd5 != null) {
            in.setHeader(AWS2S3Constants.CONTENT_MD5, contentMd5);
        }
    }
}
