package br.com.gorgen.backup.storage;

import java.io.IOException;
import java.net.ConnectException;

import br.com.gorgen.backup.dump.DumpFailedException;
import br.com.gorgen.backup.dump.DumpFailedIOException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.assertj.core.api.Assertions.assertThat;

class TransientStorageFaultsTest {
    private final TransientStorageFaults faults = new TransientStorageFaults();

    private static S3Exception status(int code) {
        return (S3Exception) S3Exception.builder().statusCode(code).message("status " + code).build();
    }

    @Test
    void networkFailuresAndServerSideErrorsAreRetried() {
        assertThat(faults.isTransient(SdkClientException.create("connect", new ConnectException("refused")))).isTrue();
        assertThat(faults.isTransient(new RuntimeCamelException(status(503)))).isTrue();
        assertThat(faults.isTransient(status(500))).isTrue();
        assertThat(faults.isTransient(status(429))).isTrue();
        assertThat(faults.isTransient(new ConnectException("refused"))).isTrue();
    }

    @Test
    void clientErrorsChecksumMismatchesAndDumpFailuresAreFinal() {
        assertThat(faults.isTransient(status(403))).isFalse();
        assertThat(faults.isTransient(status(404))).isFalse();
        assertThat(faults.isTransient(new ChecksumMismatchException("mismatch"))).isFalse();
        assertThat(faults.isTransient(new DumpFailedIOException(new DumpFailedException("exit 2")))).isFalse();
        assertThat(faults.isTransient(new IOException("No space left on device"))).isFalse();
        assertThat(faults.isTransient(null)).isFalse();
    }
}
