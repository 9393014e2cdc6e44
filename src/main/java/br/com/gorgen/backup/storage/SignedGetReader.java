package br.com.gorgen.backup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * GETs of objects from an S3-compatible server addressed path-style ({@code <endpoint>/<bucket>/<key>}): one SigV4
 * signature (the SDK's signer) and one request on the SDK's pooled HTTP client, without the S3 client's request
 * pipeline (endpoint rules, a dozen interceptors, marshalling, metrics, retry bookkeeping), which cost about 1 ms of
 * CPU per GET: the largest item of a full documents backup, which reads every document of the bucket.
 *
 * <p>Errors come as the S3 client's would ({@code NoSuchKeyException} for 404, {@code S3Exception} with the status and
 * the server's error code otherwise, {@code SdkClientException} for network failures), so the callers' rules (a
 * deleted document is a warning, access denied fails the backup, transient faults are retried by the route) are the
 * same. Not retried here: the storage retry policy of the route retries transient faults with backoff.
 */
public final class SignedGetReader implements ObjectReader, AutoCloseable {
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    private final URI endpoint;
    private final String basePath;
    private final String region;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param endpoint the server, e.g. {@code http://127.0.0.1:9000} (a path prefix is kept)
     * @param http the HTTP client, closed with this reader
     */
    public SignedGetReader(URI endpoint, String region, IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            SdkHttpClient http) {
        this.endpoint = endpoint;
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.region = region;
        this.credentials = credentials;
        this.http = http;
    }

    @Override
    public InputStream open(String bucket, String key) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol(endpoint.getScheme())
                .host(endpoint.getHost()).port(endpoint.getPort() > 0 ? endpoint.getPort() : null)
                .encodedPath(basePath + "/" + bucket + "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(key)).build();
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        SdkHttpRequest signed = signer.sign(r -> r.identity(identity).request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)).request();
        HttpExecuteResponse response;
        try {
            response = http.prepareRequest(HttpExecuteRequest.builder().request(signed).build()).call();
        } catch (IOException e) {
            throw SdkClientException.builder().message("GET " + bucket + "/" + key + " failed: " + e.getMessage())
                    .cause(e).build();
        }
        int status = response.httpResponse().statusCode();
        Optional<AbortableInputStream> body = response.responseBody();
        if (status == 200) {
            return body.map(InputStream.class::cast).orElseGet(InputStream::nullInputStream);
        }
        String error = errorBody(body);
        String code = first(CODE, error, status == 404 ? "NoSuchKey" : "HTTP " + status);
        String message = first(MESSAGE, error, code) + " (GET " + bucket + "/" + key + ", HTTP " + status + ")";
        AwsErrorDetails details = AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("S3")
                .build();
        if (status == 404 && "NoSuchKey".equals(code)) {
            throw NoSuchKeyException.builder().statusCode(status).message(message).awsErrorDetails(details).build();
        }
        throw S3Exception.builder().statusCode(status).message(message).awsErrorDetails(details).build();
    }

    @Override
    public void close() {
        http.close();
    }

    /** The first 8 KiB of an error answer (the S3 error XML), or "" when there is none. */
    private static String errorBody(Optional<AbortableInputStream> body) {
        if (body.isEmpty()) {
            return "";
        }
        try (InputStream in = body.get()) {
            return new String(in.readNBytes(8192), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String first(Pattern p, String text, String otherwise) {
        Matcher m = p.matcher(text);
        return m.find() && !m.group(1).isBlank() ? m.group(1) : otherwise;
    }
}
