package br.com.gorgen.backup.storage;

import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 that signs uploads over plain HTTP the way the SDK signs them over HTTPS: headers signed, body
 * {@code UNSIGNED-PAYLOAD}.
 *
 * <p>Over plain HTTP the SDK always signs the body: it reads every upload twice (once for the SHA-256 of the
 * signature, once to send it) and the server hashes it again to check, which in a documents backup cost about a
 * tenth of the service's CPU and of the S3 server's. The body's integrity does not need that signature: every upload
 * of ours is checked by the MD5 the server computes (the {@code Content-MD5} header, refused with {@code BadDigest}
 * on a mismatch, where the archiver computed it; the returned ETag or a read back of the object otherwise), and the
 * body is OpenPGP-encrypted and integrity-protected anyway. Requests over HTTPS, without a body (GET, DELETE, ...)
 * or to a standard port (where changing the scheme would change the signed {@code Host} header) are signed by the
 * SDK's own signer unchanged.
 */
final class PlainHttpPayloadSigner implements AwsV4HttpSigner {

    private final AwsV4HttpSigner delegate = AwsV4HttpSigner.create();

    /** The sigv4 scheme of the S3 clients, with this signer. */
    static AwsV4AuthScheme authScheme() {
        PlainHttpPayloadSigner signer = new PlainHttpPayloadSigner();
        return new AwsV4AuthScheme() {
            @Override
            public String schemeId() {
                return AwsV4AuthScheme.SCHEME_ID;
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return providers.identityProvider(AwsCredentialsIdentity.class);
            }

            @Override
            public AwsV4HttpSigner signer() {
                return signer;
            }
        };
    }

    /** Whether this request's body is left unsigned (see the class comment). */
    static boolean unsignedBody(SdkHttpRequest request) {
        return "http".equals(request.protocol()) && request.port() != 80 && request.port() != 443
                && (request.method() == SdkHttpMethod.PUT || request.method() == SdkHttpMethod.POST);
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        if (!unsignedBody(request.request()) || request.payload().isEmpty()) {
            return delegate.sign(request);
        }
        return signAsHttps(request);
    }

    private <T extends AwsCredentialsIdentity> SignedRequest signAsHttps(SignRequest<T> request) {
        SdkHttpRequest plain = request.request();
        // the scheme is not part of what SigV4 signs; host, port, path, query and headers are, and stay the same
        SignRequest<T> asHttps = request.copy(b -> b.request(plain.toBuilder().protocol("https").build())
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false));
        SignedRequest signed = delegate.sign(asHttps);
        return signed.copy(b -> b.request(signed.request().toBuilder().protocol(plain.protocol()).build()));
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return delegate.signAsync(request);
    }
}
