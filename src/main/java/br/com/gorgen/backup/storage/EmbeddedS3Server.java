package br.com.gorgen.backup.storage;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

import org.apache.camel.support.service.ServiceSupport;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3-compatible store on local disk (S3Proxy with the jclouds filesystem backend), used when no
 * {@code BACKUP_S3_ENDPOINT} is configured. It listens on 127.0.0.1 only, with credentials generated at each start;
 * objects are plain files under {@code <dataDir>/s3/<bucket>/<key>}.
 */
public class EmbeddedS3Server extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);

    private final Path baseDir;
    private final int port;
    private final List<String> buckets;
    private final String accessKey;
    private final String secretKey;
    private S3Proxy proxy;
    private BlobStoreContext blobStoreContext;

    public EmbeddedS3Server(Path baseDir, int port, List<String> buckets) {
        this.baseDir = baseDir;
        this.port = port;
        this.buckets = buckets;
        SecureRandom random = new SecureRandom();
        byte[] a = new byte[10];
        byte[] s = new byte[30];
        random.nextBytes(a);
        random.nextBytes(s);
        this.accessKey = "gorgen" + HexFormat.of().formatHex(a);
        this.secretKey = HexFormat.of().formatHex(s);
    }

    @Override
    protected void doStart() throws Exception {
        Files.createDirectories(baseDir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toAbsolutePath().toString());
        blobStoreContext = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        BlobStore store = blobStoreContext.getBlobStore();
        for (String bucket : buckets) {
            store.createContainerInLocation(null, bucket);
        }
        proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey).build();
        proxy.start();
        LOG.warn("No BACKUP_S3_ENDPOINT configured: using the embedded S3-compatible store at {} (buckets {} under {}). "
                + "Both buckets are on this machine's disk: configure real, separate buckets for disaster recovery.",
                endpoint(), buckets, baseDir.toAbsolutePath());
    }

    @Override
    protected void doStop() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
        if (blobStoreContext != null) {
            blobStoreContext.close();
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }
}
