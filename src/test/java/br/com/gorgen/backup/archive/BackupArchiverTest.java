package br.com.gorgen.backup.archive;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import br.com.gorgen.backup.crypto.PgpDecryptor;
import br.com.gorgen.backup.crypto.PgpEncryptor;
import br.com.gorgen.backup.crypto.PgpRecipients;
import br.com.gorgen.backup.storage.S3Etag;
import br.com.gorgen.backup.testbed.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupArchiverTest {
    private final TestKeys keys = TestKeys.shared();
    private final BackupArchiver archiver = new BackupArchiver(new PgpEncryptor(PgpRecipients.load(keys.publicKey())), 6, 5 << 20);

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
    void inlineArchivesAreTheSameFormatAndStoreIncompressibleContentUndeflated(@TempDir Path dir) throws Exception {
        byte[] random = new byte[6 * 1024 * 1024];
        new Random(9).nextBytes(random);
        byte[] text = "Laudo de exame: sem alterações significativas.\n".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        PgpDecryptor decryptor = new PgpDecryptor(keys.secretKey(), TestKeys.PASSPHRASE.toCharArray());
        for (byte[] plain : List.of(random, text, new byte[0])) {
            Path target = dir.resolve("doc-" + plain.length + ".gz.gpg");
            ArchiveResult r = archiver.archiveInline(new ByteArrayInputStream(plain), target, "document");
            byte[] stored = Files.readAllBytes(r.file());
            assertThat(r.plainSha256()).isEqualTo(sha256(plain));
            assertThat(r.storedSha256()).isEqualTo(sha256(stored));
            try (InputStream in = new GZIPInputStream(decryptor.decryptingStream(new ByteArrayInputStream(stored)))) {
                assertThat(in.readAllBytes()).isEqualTo(plain);
            }
            // the ETag the server will report: a multipart one above the 5 MiB part size, an MD5 below
            S3Etag etag = new S3Etag(5 << 20);
            etag.update(stored, 0, stored.length);
            assertThat(r.expectedEtag()).isEqualTo(etag.expected());
        }
        long randomStored = Files.size(dir.resolve("doc-" + random.length + ".gz.gpg"));
        assertThat(randomStored).as("random data stored, not deflated (a few bytes of framing per 64 KiB)")
                .isBetween((long) random.length, random.length + random.length / 500L);
        assertThat(Files.size(dir.resolve("doc-" + text.length + ".gz.gpg"))).isLessThan(text.length / 10);
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
