package br.com.gorgen.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PgpEncryptionRoundTripTest {

    private static final char[] ALICE_PASS = "correct horse battery staple".toCharArray();
    private static final char[] BOB_PASS = "bob's passphrase".toCharArray();

    @TempDir
    static Path keys;

    private static PgpKeyGenerator.GeneratedKey alice;
    private static Path alicePublic;
    private static Path aliceSecret;
    private static Path bobSecret;
    private static Path bothPublic;
    private static PgpEncryptor toAlice;
    private static PgpDecryptor aliceDecryptor;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateKeys() throws Exception {
        PgpKeyGenerator generator = new PgpKeyGenerator();
        alice = generator.generate("Alice <alice@example.org>", ALICE_PASS);
        PgpKeyGenerator.GeneratedKey bob = generator.generate("Bob <bob@example.org>", BOB_PASS);
        alicePublic = keys.resolve("alice.asc");
        aliceSecret = keys.resolve("alice-secret.asc");
        bobSecret = keys.resolve("bob-secret.asc");
        Path bobPublic = keys.resolve("bob.asc");
        alice.writePublicKey(alicePublic);
        alice.writeSecretKey(aliceSecret);
        bob.writePublicKey(bobPublic);
        bob.writeSecretKey(bobSecret);
        bothPublic = keys.resolve("both.asc");
        Files.writeString(bothPublic, Files.readString(alicePublic) + Files.readString(bobPublic));
        toAlice = new PgpEncryptor(PgpRecipients.load(alicePublic));
        aliceDecryptor = new PgpDecryptor(aliceSecret, ALICE_PASS);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 1024 * 1024 + 7})
    void decryptsWhatWasEncrypted(int size) throws Exception {
        byte[] plaintext = randomBytes(size, size);

        byte[] ciphertext = encrypt(toAlice, plaintext);

        assertThat(decrypt(aliceDecryptor, ciphertext)).isEqualTo(plaintext);
        assertThat(ciphertext.length).isGreaterThan(size); // no compression, overhead only
    }

    @Test
    void writesByteByByteAndInOddChunks() throws Exception {
        byte[] plaintext = randomBytes(200_003, 42);
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        try (OutputStream out = toAlice.encryptingStream(target, "chunks.bin")) {
            Random random = new Random(7);
            int pos = 0;
            while (pos < plaintext.length) {
                int n = Math.min(plaintext.length - pos, random.nextInt(3) == 0 ? 1 : random.nextInt(100_000));
                if (n == 1) {
                    out.write(plaintext[pos]);
                } else {
                    out.write(plaintext, pos, n);
                }
                pos += n;
            }
        }

        assertThat(decrypt(aliceDecryptor, target.toByteArray())).isEqualTo(plaintext);
    }

    @Test
    void messageHasTheExpectedPacketStructure() throws Exception {
        byte[] ciphertext = encrypt(toAlice, "payload".getBytes(StandardCharsets.UTF_8), "db-2024.sql.gz");

        PGPEncryptedDataList list = (PGPEncryptedDataList) new BcPGPObjectFactory(ciphertext).nextObject();
        assertThat(list.isIntegrityProtected()).isTrue();
        PGPPublicKeyEncryptedData data = (PGPPublicKeyEncryptedData) list.get(0);
        assertThat(PgpIds.keyId(data.getKeyID())).isEqualTo(PgpRecipients.load(alicePublic).keyIds().get(0));
        BcPublicKeyDataDecryptorFactory factory = new BcPublicKeyDataDecryptorFactory(alice.secretKeyRing()
                .getSecretKey(data.getKeyID())
                .extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(ALICE_PASS)));
        assertThat(data.getSymmetricAlgorithm(factory)).isEqualTo(9); // AES-256
        Object first = new BcPGPObjectFactory(data.getDataStream(factory)).nextObject();
        assertThat(first).isInstanceOf(PGPLiteralData.class); // directly, no compressed data packet
        PGPLiteralData literal = (PGPLiteralData) first;
        assertThat(literal.getFormat()).isEqualTo(PGPLiteralData.BINARY);
        assertThat(literal.getFileName()).isEqualTo("db-2024.sql.gz");
    }

    @Test
    void eachOfTwoRecipientsCanDecrypt() throws Exception {
        PgpRecipients both = PgpRecipients.load(bothPublic);
        assertThat(both.userIds()).containsExactly("Alice <alice@example.org>", "Bob <bob@example.org>");
        byte[] plaintext = randomBytes(100_000, 3);

        byte[] ciphertext = encrypt(new PgpEncryptor(both), plaintext);

        assertThat(decrypt(aliceDecryptor, ciphertext)).isEqualTo(plaintext);
        assertThat(decrypt(new PgpDecryptor(bobSecret, BOB_PASS), ciphertext)).isEqualTo(plaintext);
    }

    @Test
    void decryptsAsciiArmoredMessages() throws Exception {
        byte[] plaintext = randomBytes(5000, 5);
        ByteArrayOutputStream armored = new ByteArrayOutputStream();
        try (OutputStream out = toAlice.encryptingStream(new ArmoredOutputStream(armored), "x")) {
            out.write(plaintext);
        }

        assertThat(decrypt(aliceDecryptor, armored.toByteArray())).isEqualTo(plaintext);
    }

    @Test
    void tamperedCiphertextFailsTheIntegrityCheck() throws Exception {
        byte[] plaintext = randomBytes(1024 * 1024, 9);
        byte[] ciphertext = encrypt(toAlice, plaintext);
        ciphertext[ciphertext.length / 2] ^= 0x01;

        assertThatThrownBy(() -> decrypt(aliceDecryptor, ciphertext))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("integrity check failed")
                .hasMessageContaining("tampered");
    }

    @Test
    void truncatedCiphertextFails() throws Exception {
        byte[] ciphertext = encrypt(toAlice, randomBytes(300_000, 11));
        byte[] truncated = Arrays.copyOf(ciphertext, ciphertext.length - 30);

        assertThatThrownBy(() -> decrypt(aliceDecryptor, truncated))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("integrity check failed");
    }

    @Test
    void refusesMessagesWithoutIntegrityProtection() throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false));
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(
                PgpRecipients.load(alicePublic).encryptionKeys().get(0)));
        ByteArrayOutputStream legacy = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(legacy, new byte[1 << 16]);
                OutputStream literal = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralData.BINARY, "x",
                        new java.util.Date(), new byte[1 << 16])) {
            literal.write(randomBytes(100, 1));
        }

        assertThatThrownBy(() -> decrypt(aliceDecryptor, legacy.toByteArray()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not integrity protected");
    }

    @Test
    void wrongPassphraseIsReportedClearly() throws Exception {
        byte[] ciphertext = encrypt(toAlice, randomBytes(10, 1));
        PgpDecryptor wrong = new PgpDecryptor(aliceSecret, "not the passphrase".toCharArray());
        String keyId = PgpRecipients.load(alicePublic).keyIds().get(0);

        assertThatThrownBy(() -> wrong.decryptingStream(new ByteArrayInputStream(ciphertext)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("wrong passphrase for key " + keyId)
                .hasMessageContaining("Alice <alice@example.org>");
        assertThatThrownBy(() -> new PgpDecryptor(aliceSecret, new char[0]).decryptingStream(new ByteArrayInputStream(ciphertext)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("wrong passphrase for key " + keyId)
                .hasMessageContaining("no passphrase was given");
    }

    @Test
    void messageForSomebodyElseNamesTheRecipients() throws Exception {
        byte[] ciphertext = encrypt(toAlice, randomBytes(10, 1));
        String aliceKeyId = PgpRecipients.load(alicePublic).keyIds().get(0);

        assertThatThrownBy(() -> decrypt(new PgpDecryptor(bobSecret, BOB_PASS), ciphertext))
                .isInstanceOf(IOException.class)
                .hasMessage("backup is not encrypted to any key in " + bobSecret + ": recipients are " + aliceKeyId);
    }

    @Test
    void rejectsInputThatIsNotAnEncryptedMessage() throws Exception {
        assertThatThrownBy(() -> decrypt(aliceDecryptor, "hello, world".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("OpenPGP message");
        assertThatThrownBy(() -> decrypt(aliceDecryptor, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("OpenPGP message");
        assertThatThrownBy(() -> decrypt(aliceDecryptor, Files.readAllBytes(alicePublic)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not an encrypted OpenPGP message");
    }

    @Test
    void decryptorRejectsFilesWithoutSecretKeys() {
        assertThatThrownBy(() -> new PgpDecryptor(alicePublic, ALICE_PASS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no secret key in " + alicePublic);
        Path missing = keys.resolve("missing.asc");
        assertThatThrownBy(() -> new PgpDecryptor(missing, ALICE_PASS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found").hasMessageContaining(missing.toString());
    }

    @Test
    void closingTheEncryptingStreamClosesTheTargetOnce() throws Exception {
        CloseCountingOutputStream target = new CloseCountingOutputStream();
        OutputStream out = toAlice.encryptingStream(target, "x");
        out.write(1);
        out.close();
        out.close();

        assertThat(target.closeCount).isEqualTo(1);
        assertThatThrownBy(() -> out.write(2)).isInstanceOf(IOException.class);
        assertThat(decrypt(aliceDecryptor, target.toByteArray())).containsExactly(1);
    }

    @Test
    void closingTheDecryptingStreamClosesTheSource() throws Exception {
        byte[] ciphertext = encrypt(toAlice, randomBytes(100, 1));
        CloseCountingInputStream source = new CloseCountingInputStream(ciphertext);

        aliceDecryptor.decryptingStream(source).close();

        assertThat(source.closed).isTrue();
    }

    @Test
    void rejectsOverlongLiteralFileNames() {
        assertThatThrownBy(() -> toAlice.encryptingStream(new ByteArrayOutputStream(), "x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("255");
    }

    /**
     * Streams 64 MiB through encryption and decryption. The data is generated on the fly and the
     * ciphertext goes through a file, so nothing of that size is ever held in memory.
     */
    @Test
    void streamsLargeDataWithoutBufferingIt() throws Exception {
        long size = 64L * 1024 * 1024;
        Path encrypted = dir.resolve("large.pgp");
        MessageDigest plainDigest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(new GeneratedInputStream(size, 1234), plainDigest);
                OutputStream out = toAlice.encryptingStream(Files.newOutputStream(encrypted), "large.bin")) {
            in.transferTo(out);
        }
        assertThat(Files.size(encrypted)).isBetween(size, size + 64 * 1024);

        MessageDigest decryptedDigest = MessageDigest.getInstance("SHA-256");
        long decryptedBytes;
        try (InputStream in = aliceDecryptor.decryptingStream(Files.newInputStream(encrypted))) {
            decryptedBytes = new DigestInputStream(in, decryptedDigest).transferTo(OutputStream.nullOutputStream());
        }

        assertThat(decryptedBytes).isEqualTo(size);
        assertThat(decryptedDigest.digest()).isEqualTo(plainDigest.digest());
    }

    static byte[] encrypt(PgpEncryptor encryptor, byte[] plaintext) throws IOException {
        return encrypt(encryptor, plaintext, "backup.tar.gz");
    }

    static byte[] encrypt(PgpEncryptor encryptor, byte[] plaintext, String fileName) throws IOException {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        try (OutputStream out = encryptor.encryptingStream(target, fileName)) {
            out.write(plaintext);
        }
        return target.toByteArray();
    }

    static byte[] decrypt(PgpDecryptor decryptor, byte[] ciphertext) throws IOException {
        try (InputStream in = decryptor.decryptingStream(new ByteArrayInputStream(ciphertext))) {
            return in.readAllBytes();
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static final class CloseCountingOutputStream extends ByteArrayOutputStream {
        int closeCount;

        @Override
        public void close() {
            closeCount++;
        }
    }

    private static final class CloseCountingInputStream extends ByteArrayInputStream {
        boolean closed;

        CloseCountingInputStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
