package br.com.gorgen.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.Random;

import br.com.gorgen.backup.settings.S3Target;
import br.com.gorgen.backup.testbed.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The documents backup's bare signed GETs against a real S3Proxy: the exact bytes for keys with spaces, accents and
 * reserved characters, and the S3 client's exceptions for a missing key, a missing bucket and wrong credentials
 * (what the read rule and the retry policy rely on).
 */
class SignedGetReaderTest {
    private static final String[] KEYS = {
        "pacientes/00042 - João Conceição/exames/Ressonância magnética (2024-03-01).pdf",
        "financeiro/2024/NF-e nº 000123 + anexo [1] & cópia; 100%.xml",
        "contratos/a=b?c#d ~ !$'*,:@.docx",
        "raiz.txt",
    };
    private static S3Server s3;

    @BeforeAll
    static void start() {
        s3 = new S3Server("docs");
        for (int i = 0; i < KEYS.length; i++) {
            int n = i;
            s3.client().putObject(b -> b.bucket("docs").key(KEYS[n]), RequestBody.fromBytes(content(n)));
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private static byte[] content(int i) {
        byte[] b = new byte[50_000 + 977 * i];
        new Random(i).nextBytes(b);
        return b;
    }

    private static SignedGetReader reader(String secret) {
        return (SignedGetReader) S3ClientFactory.objectReader(new S3Target("documents", s3.endpoint(), "us-east-1",
                S3Server.ACCESS_KEY, secret, "docs"), true, null);
    }

    @Test
    void readsTheExactBytesOfEveryKey() throws Exception {
        try (SignedGetReader reader = reader(S3Server.SECRET_KEY)) {
            for (int i = 0; i < KEYS.length; i++) {
                try (InputStream in = reader.open("docs", KEYS[i])) {
                    assertThat(in.readAllBytes()).as(KEYS[i]).isEqualTo(content(i));
                }
            }
        }
    }

    @Test
    void refusalsComeAsTheS3ClientsExceptions() {
        try (SignedGetReader reader = reader(S3Server.SECRET_KEY)) {
            assertThatThrownBy(() -> reader.open("docs", "pacientes/apagado.pdf"))
                    .isInstanceOf(NoSuchKeyException.class).hasMessageContaining("pacientes/apagado.pdf");
            assertThatThrownBy(() -> reader.open("nao-existe", "raiz.txt"))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e).isNotInstanceOf(NoSuchKeyException.class);
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket");
                    });
        }
        try (SignedGetReader denied = reader("wrong")) {
            assertThatThrownBy(() -> denied.open("docs", "raiz.txt"))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(new TransientStorageFaults().isTransient(e)).as("access denied is final").isFalse();
                    });
        }
    }
}
