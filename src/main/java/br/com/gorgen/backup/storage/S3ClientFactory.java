package br.com.gorgen.backup.storage;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import br.com.gorgen.backup.settings.S3Target;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeParams;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;

/** Builds the S3 clients of the primary and secondary buckets from their settings. */
public final class S3ClientFactory {
    private S3ClientFactory() {
    }

    private static final S3AuthSchemeProvider DEFAULT_AUTH = S3AuthSchemeProvider.defaultProvider();

    /**
     * Single PUTs (every one has a file or byte body, which the SDK can read twice) are signed over their whole body
     * instead of in {@code aws-chunked} signed chunks, which the SDK uses over plain HTTP: S3-compatible servers parse
     * those slowly (S3Proxy one byte at a time: half its CPU in a documents backup) and some not at all. Over HTTPS
     * nothing changes (the body is not signed). Multipart parts keep the default: Camel streams them.
     */
    private static List<AuthSchemeOption> plainBodyForSinglePuts(S3AuthSchemeParams params) {
        List<AuthSchemeOption> options = DEFAULT_AUTH.resolveAuthScheme(params);
        if (!"PutObject".equals(params.operation())) {
            return options;
        }
        return options.stream().map(o -> o.toBuilder().putSignerProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
                .build()).toList();
    }

    /** A client whose uploads over plain HTTP have an unsigned body ({@link PlainHttpPayloadSigner}). */
    public static S3Client create(S3Target target, boolean pathStyle, String checksumMode) {
        return create(target, pathStyle, checksumMode, true);
    }

    /**
     * @param unsignedPlainHttpBodies uploads over plain HTTP to a non-standard port are signed as over HTTPS
     *     ({@link PlainHttpPayloadSigner}); false keeps the SDK's signed bodies, for a server that refuses
     *     {@code UNSIGNED-PAYLOAD} over HTTP (setting {@code backup.s3.unsigned.payload})
     */
    public static S3Client create(S3Target target, boolean pathStyle, String checksumMode,
            boolean unsignedPlainHttpBodies) {
        AwsCredentialsProvider credentials = credentials(target);
        boolean whenRequired = !"when_supported".equalsIgnoreCase(checksumMode);
        S3ClientBuilder builder = S3Client.builder();
        if (pathStyle) {
            builder.endpointProvider(new FixedPathStyleEndpoint(URI.create(target.endpoint())));
        }
        if (unsignedPlainHttpBodies) {
            builder.putAuthScheme(PlainHttpPayloadSigner.authScheme());
        }
        return builder
                .endpointOverride(URI.create(target.endpoint()))
                .region(Region.of(target.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                .requestChecksumCalculation(whenRequired ? RequestChecksumCalculation.WHEN_REQUIRED
                        : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(whenRequired ? ResponseChecksumValidation.WHEN_REQUIRED
                        : ResponseChecksumValidation.WHEN_SUPPORTED)
                .httpClientBuilder(ApacheHttpClient.builder().expectContinueEnabled(false).maxConnections(64))
                .authSchemeProvider(S3ClientFactory::plainBodyForSinglePuts)
                .overrideConfiguration(c -> c.apiCallAttemptTimeout(Duration.ofMinutes(10))
                        .addExecutionInterceptor(new NoExpectContinue()))
                .build();
    }

    /**
     * What reads objects of {@code target} one by one (the documents backup's GETs): for a path-style server, bare
     * signed GETs on their own HTTP client ({@link SignedGetReader}, closed with it); otherwise the S3 client's.
     */
    public static ObjectReader objectReader(S3Target target, boolean pathStyle, S3Client client) {
        if (!pathStyle) {
            return ObjectReader.of(client);
        }
        return new SignedGetReader(URI.create(target.endpoint()), target.region(), credentials(target),
                ApacheHttpClient.builder().maxConnections(64).build());
    }

    private static AwsCredentialsProvider credentials(S3Target target) {
        return target.accessKey().isBlank()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(target.accessKey(), target.secretKey()));
    }

    /**
     * The endpoint of every request to a fixed S3-compatible server addressed path-style ({@code <endpoint>/<bucket>}):
     * what the SDK's S3 endpoint rules compute for it, without evaluating those rules for every request (a third of
     * the SDK's CPU per GET, which counts over the ten thousand GETs of a documents backup).
     */
    record FixedPathStyleEndpoint(URI base) implements S3EndpointProvider {
        FixedPathStyleEndpoint {
            String s = base.toString();
            base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        }

        @Override
        public CompletableFuture<Endpoint> resolveEndpoint(S3EndpointParams params) {
            String bucket = params.bucket();
            // bucket names are DNS names (lower-case letters, digits, '-' and '.'): nothing to encode
            URI url = bucket == null || bucket.isEmpty() ? base : URI.create(base + "/" + bucket);
            return CompletableFuture.completedFuture(Endpoint.builder().url(url).build());
        }
    }

    /**
     * No "Expect: 100-continue" round trip before every upload (the S3 client adds the header to every PUT whatever
     * the HTTP client's setting): a refused upload still answers with its error, after the body.
     */
    private static final class NoExpectContinue implements ExecutionInterceptor {
        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            return context.httpRequest().toBuilder().removeHeader("Expect").build();
        }
    }
}
