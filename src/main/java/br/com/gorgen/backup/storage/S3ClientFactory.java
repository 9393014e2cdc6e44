package br.com.gorgen.backup.storage;

import java.net.URI;
import java.time.Duration;

import br.com.gorgen.backup.settings.S3Target;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the S3 clients of the primary and secondary buckets from their settings. */
public final class S3ClientFactory {
    private S3ClientFactory() {
    }

    public static S3Client create(S3Target target, boolean pathStyle, String checksumMode) {
        AwsCredentialsProvider credentials = target.accessKey().isBlank()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(target.accessKey(), target.secretKey()));
        boolean whenRequired = !"when_supported".equalsIgnoreCase(checksumMode);
        return S3Client.builder()
                .endpointOverride(URI.create(target.endpoint()))
                .region(Region.of(target.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                .requestChecksumCalculation(whenRequired ? RequestChecksumCalculation.WHEN_REQUIRED
                        : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(whenRequired ? ResponseChecksumValidation.WHEN_REQUIRED
                        : ResponseChecksumValidation.WHEN_SUPPORTED)
                // no "Expect: 100-continue" round trip before every upload (thousands of small document contents);
                // a refused upload still answers with its error, after the body
                .httpClientBuilder(ApacheHttpClient.builder().expectContinueEnabled(false).maxConnections(64))
                .overrideConfiguration(c -> c.apiCallAttemptTimeout(Duration.ofMinutes(10)))
                .build();
    }
}
