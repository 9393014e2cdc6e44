package br.com.gorgen.backup.storage;

import br.com.gorgen.backup.settings.S3Target;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When {@code auto} replication copies server-side, and which answers are a refusal of the copy. */
class SecondaryReplicaTest {

    static S3Target target(String endpoint, String accessKey) {
        return new S3Target("x", endpoint, "us-east-1", accessKey, "secret", "bucket");
    }

    @Test
    void theSameServiceIsTheSameEndpointWithTheSameKeyOrTwoAwsRegions() {
        assertThat(SecondaryReplica.sameService(target("http://127.0.0.1:9000", "k"), target("http://127.0.0.1:9000/", "k")))
                .isTrue();
        assertThat(SecondaryReplica.sameService(target("https://s3.sa-east-1.amazonaws.com", "k"),
                target("https://s3.us-east-1.amazonaws.com", "k"))).isTrue();
        assertThat(SecondaryReplica.sameService(target("", ""), target("", ""))).as("both in the embedded store").isTrue();

        assertThat(SecondaryReplica.sameService(target("http://127.0.0.1:9000", "k"), target("http://127.0.0.1:9001", "k")))
                .as("another port, another server").isFalse();
        assertThat(SecondaryReplica.sameService(target("http://127.0.0.1:9000", "k"), target("http://127.0.0.1:9000", "other")))
                .as("other credentials may not read the primary").isFalse();
        assertThat(SecondaryReplica.sameService(target("https://s3.sa-east-1.amazonaws.com", "k"),
                target("https://s3.us-west-002.backblazeb2.com", "k"))).as("two providers").isFalse();
        assertThat(SecondaryReplica.sameService(target("http://minio.local:9000", "k"), target("https://minio.local:9000", "k")))
                .isFalse();
        assertThat(SecondaryReplica.sameService(target("", ""), target("http://127.0.0.1:9000", ""))).isFalse();
    }

    @Test
    void refusalsAreDeniedOrUnsupportedCopiesNotMissingBucketsOrServerFaults() {
        assertThat(SecondaryReplica.refusal(error(403))).isTrue();
        assertThat(SecondaryReplica.refusal(error(501))).isTrue();
        assertThat(SecondaryReplica.refusal(error(400))).isTrue();
        assertThat(SecondaryReplica.refusal(error(404))).isFalse();
        assertThat(SecondaryReplica.refusal(error(500))).isFalse();
        assertThat(SecondaryReplica.refusal(error(503))).isFalse();
    }

    @Test
    void theModeIsParsedWithAClearError() {
        assertThat(SecondaryReplica.Mode.parse(" Copy ")).isEqualTo(SecondaryReplica.Mode.COPY);
        assertThat(SecondaryReplica.Mode.parse("auto")).isEqualTo(SecondaryReplica.Mode.AUTO);
        assertThatThrownBy(() -> SecondaryReplica.Mode.parse("mirror")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, copy or upload");
    }

    static S3Exception error(int status) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("test").build();
    }
}
