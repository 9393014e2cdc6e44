package br.com.gorgen.backup.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server for the tests: S3Proxy in-process with the jclouds filesystem backend (objects are plain
 * files under {@link #baseDir()}), on a free port, with its own buckets and credentials.
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret-key";

    private final Path baseDir;
    private final int port;
    private final List<String> buckets;
    private BlobStoreContext context;
    private S3Proxy proxy;
    private S3Client client;

    public S3Server(int port, String... buckets) {
        try {
            this.baseDir = Files.createTempDirectory("gorgen-s3-");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        this.port = port;
        this.buckets = List.of(buckets);
        start();
    }

    public S3Server(String... buckets) {
        this(MariaDbServer.freePort(), buckets);
    }

    public void start() {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        for (String b : buckets) {
            context.getBlobStore().createContainerInLocation(null, b);
        }
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new AssertionError("cannot start S3Proxy: " + e.getMessage(), e);
        }
    }

    /** Stops the server (the files stay), e.g. to simulate an outage. */
    public void stop() {
        try {
            proxy.stop();
            context.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        stop();
        if (client != null) {
            client.close();
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public Path baseDir() {
        return baseDir;
    }

    /** Path of an object's file on disk (jclouds filesystem layout). */
    public Path objectFile(String bucket, String key) {
        return baseDir.resolve(bucket).resolve(key);
    }

    public S3Client client() {
        if (client == null) {
            client = pathStyleClient(endpoint(), ACCESS_KEY, SECRET_KEY);
        }
        return client;
    }

    /** A test's own S3 client for a path-style server (checksums only when required, as S3-compatible servers want). */
    public static S3Client pathStyleClient(String endpoint, String accessKey, String secretKey) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    public List<String> keys(String bucket, String prefix) {
        List<String> out = new ArrayList<>();
        for (S3Object o : client().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents()) {
            out.add(o.key());
        }
        return out;
    }

    public void download(String bucket, String key, Path target) {
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        client().getObject(GetObjectRequest.builder().bucket(bucket).key(key).build(), target);
    }

    public String sha256(String bucket, String key) {
        try (InputStream in = client().getObject(GetObjectRequest.builder().bucket(bucket).key(key).build())) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public String readString(String bucket, String key) {
        return client().getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()).asUtf8String();
    }
}
