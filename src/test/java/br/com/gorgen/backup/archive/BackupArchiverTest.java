package br.com.gorgen.backup.archive;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import br.com.gorgen.backup.crypto.PgpDecryptor;
import br.com.gorgen.backup.crypto.PgpEncryptor;
import br.com.gorgen.backup.crypto.PgpRecipients;
import br.com.gorgen.backup.testbed.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupArchiverTest {
    private final TestKeys keys = TestKeys.shared();
    private final BackupArchiver archiver = new BackupArchiver(new PgpEncryptor(PgpRecipients.load(keys.publicKey())), 6);

    @Test
    void writesGzipInsideOpenPgpAndReportsBothChecksums(@TempDir Path dir) throws Exception {
        byte[] plain = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(plain);
        for (int i = 0; i < plain.length; i += 3) {
            plain[i] = 'x'; // compressible
        }
        ArchiveResult r = archiver.archive(new ByteArrayInputStream(plain), dir.resolve("a.sql.gz.gpg"), "a.sql.gz");
        byte[] stored = Files.readAllBytes(r.file());
        assertThat(r.plainBytes()).isEqualTo(plain.length);
        assertThat(r.plainSha256()).isEqualTo(sha256(plain));
        assertThat(r.storedBytes()).isEqualTo(stored.length);
        assertThat(r.storedSha256()).isEqualTo(sha256(stored));
        PgpDecryptor decryptor = new PgpDecryptor(keys.secretKey(), TestKeys.PASSPHRASE.toCharArray());
        try (InputStream in = new GZIPInputStream(decryptor.decryptingStream(new ByteArrayInputStream(stored)))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
    }

    @Test
    void aSourceThatFailsMidwayLeavesNoFileBehind(@TempDir Path dir) {
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(new byte[200_000])) {
            private int reads;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (++reads > 2) {
                    throw new IOException("dump process died");
                }
                return super.read(b, off, len);
            }
        };
        Path target = dir.resolve("b.sql.gz.gpg");
        assertThatThrownBy(() -> archiver.archive(failing, target, "b.sql.gz")).hasMessageContaining("dump process died");
        assertThat(target).doesNotExist();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
