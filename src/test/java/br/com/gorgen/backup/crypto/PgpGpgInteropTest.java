package br.com.gorgen.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with the real GnuPG 2.2 command line: gpg must import our keys and decrypt our
 * messages, and we must decrypt what gpg encrypts. Fails (does not skip) when gpg is missing.
 */
class PgpGpgInteropTest {

    private static final String PASSPHRASE = "interop passphrase";
    private static final String USER_ID = "Interop Backup <interop@example.org>";

    @TempDir
    static Path work;

    private static GpgCli gpg;
    private static GpgCli otherGpg;
    private static PgpKeyGenerator.GeneratedKey key;
    private static Path publicKeyFile;
    private static Path secretKeyFile;
    private static Path passphraseFile;
    private static PgpEncryptor encryptor;
    private static PgpDecryptor decryptor;

    @TempDir
    Path dir;

    @BeforeAll
    static void importGeneratedKeyIntoGpg() throws Exception {
        GpgCli.requireInstalled(work);
        gpg = GpgCli.withNewHome(work.resolve("gnupg"));
        key = new PgpKeyGenerator().generate(USER_ID, PASSPHRASE.toCharArray());
        publicKeyFile = work.resolve("backup-public.asc");
        secretKeyFile = work.resolve("backup-secret.asc");
        passphraseFile = Files.writeString(work.resolve("passphrase.txt"), PASSPHRASE + "\n");
        key.writePublicKey(publicKeyFile);
        key.writeSecretKey(secretKeyFile);

        GpgCli.Result imported = gpg.gpgOk("--import", secretKeyFile.toString());
        assertThat(imported.stderr()).contains("secret keys imported: 1");

        encryptor = new PgpEncryptor(PgpRecipients.load(publicKeyFile));
        decryptor = new PgpDecryptor(secretKeyFile, PASSPHRASE.toCharArray());
    }

    @AfterAll
    static void stopAgents() {
        if (gpg != null) {
            gpg.killDaemons();
        }
        if (otherGpg != null) {
            otherGpg.killDaemons();
        }
    }

    @Test
    void gpgListsTheImportedKeyWithTheExpectedCapabilities() {
        String colons = gpg.gpgOk("--with-colons", "--list-secret-keys", key.fingerprint()).stdout();

        assertThat(colons).contains("fpr:::::::::" + key.fingerprint() + ":");
        assertThat(lines(colons, "sec:")).singleElement().satisfies(sec -> {
            assertThat(field(sec, 2)).as("key length").isEqualTo("3072");
            assertThat(field(sec, 3)).as("algorithm").isEqualTo("1"); // RSA
            assertThat(field(sec, 6)).as("expiry").isEmpty();
            assertThat(field(sec, 11)).as("capabilities").contains("s").contains("c").doesNotContain("e");
        });
        assertThat(lines(colons, "ssb:")).singleElement().satisfies(ssb -> {
            assertThat(field(ssb, 2)).as("key length").isEqualTo("3072");
            assertThat(field(ssb, 6)).as("expiry").isEmpty();
            assertThat(field(ssb, 11)).as("capabilities").isEqualTo("e");
        });
        assertThat(colons).contains(USER_ID);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 300_003})
    void gpgDecryptsOurMessages(int size) throws Exception {
        byte[] plaintext = PgpEncryptionRoundTripTest.randomBytes(size, size);
        Path ciphertext = encryptToFile(plaintext, "backup.tar.gz");
        Path decrypted = dir.resolve("decrypted.bin");

        GpgCli.Result result = gpg.gpgOk("--pinentry-mode", "loopback", "--passphrase-file", passphraseFile.toString(),
                "--output", decrypted.toString(), "--decrypt", ciphertext.toString());

        assertThat(Files.readAllBytes(decrypted)).isEqualTo(plaintext);
        assertThat(result.stderr()).doesNotContainIgnoringCase("warning");
    }

    @Test
    void gpgSeesAes256IntegrityProtectionAndNoCompression() throws Exception {
        Path ciphertext = encryptToFile(PgpEncryptionRoundTripTest.randomBytes(200_000, 1), "db.sql.gz");

        GpgCli.Result packets = gpg.gpgOk("--verbose", "--show-session-key", "--pinentry-mode", "loopback",
                "--passphrase-file", passphraseFile.toString(), "--list-packets", ciphertext.toString());

        String recipientKeyId = PgpRecipients.load(publicKeyFile).keyIds().get(0);
        assertThat(packets.stdout())
                .contains(":pubkey enc packet: version 3, algo 1, keyid " + recipientKeyId)
                .contains(":encrypted data packet:")
                .contains("mdc_method: 2")
                .contains(":literal data packet:")
                .contains("mode b ")
                .contains("name=\"db.sql.gz\"")
                .doesNotContain(":compressed packet:");
        assertThat(packets.stdout()).containsPattern("tag=18 .*\\R:encrypted data packet:"); // SEIPD, not tag 9
        assertThat(packets.stderr())
                .contains("AES256 encrypted data")
                .contains("session key: '9:");
    }

    @ParameterizedTest(name = "gpg --encrypt {0}")
    @ValueSource(strings = {"", "--armor", "--compress-algo zlib", "-z 0", "--throw-keyids"})
    void weDecryptGpgMessages(String options) throws Exception {
        byte[] plaintext = (new String(PgpEncryptionRoundTripTest.randomBytes(1000, 2), StandardCharsets.ISO_8859_1)
                + "compressible text ".repeat(20_000)).getBytes(StandardCharsets.ISO_8859_1);
        Path plainFile = Files.write(dir.resolve("plain.bin"), plaintext);
        Path ciphertext = dir.resolve("from-gpg.gpg");
        List<String> args = new ArrayList<>(List.of("--trust-model", "always", "--recipient", key.fingerprint(),
                "--output", ciphertext.toString()));
        if (!options.isEmpty()) {
            args.addAll(Arrays.asList(options.split(" ")));
        }
        args.addAll(List.of("--encrypt", plainFile.toString()));
        gpg.gpgOk(args.toArray(String[]::new));

        try (InputStream in = decryptor.decryptingStream(Files.newInputStream(ciphertext))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
    }

    @Test
    void weDecryptWithTheSecretKeyAsReExportedByGpg() throws Exception {
        Path reExported = dir.resolve("re-exported-secret.asc");
        gpg.gpgOk("--pinentry-mode", "loopback", "--passphrase-file", passphraseFile.toString(), "--armor",
                "--output", reExported.toString(), "--export-secret-keys", key.fingerprint());
        byte[] plaintext = PgpEncryptionRoundTripTest.randomBytes(70_000, 4);
        Path ciphertext = encryptToFile(plaintext, "x");

        try (InputStream in = new PgpDecryptor(reExported, PASSPHRASE.toCharArray())
                .decryptingStream(Files.newInputStream(ciphertext))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
    }

    @Test
    void gpgDecryptsA64MiBMessageStreamedFromAGeneratedSource() throws Exception {
        long size = 64L * 1024 * 1024;
        MessageDigest sourceDigest = MessageDigest.getInstance("SHA-256");
        Path ciphertext = dir.resolve("large.pgp");
        try (InputStream source = new DigestInputStream(new GeneratedInputStream(size, 99), sourceDigest);
                OutputStream out = encryptor.encryptingStream(Files.newOutputStream(ciphertext), "large.bin")) {
            source.transferTo(out);
        }
        Path decrypted = dir.resolve("large.bin");

        gpg.gpgOk("--pinentry-mode", "loopback", "--passphrase-file", passphraseFile.toString(),
                "--output", decrypted.toString(), "--decrypt", ciphertext.toString());

        assertThat(Files.size(decrypted)).isEqualTo(size);
        assertThat(sha256(decrypted)).isEqualTo(sourceDigest.digest());
    }

    /**
     * A second recipient made by gpg itself (ed25519 primary + cv25519 encryption subkey) exported
     * together with ours as {@code gpg --export --armor A B}: both can decrypt.
     */
    @Test
    void encryptsToAGpgMadeCurve25519RecipientExportedTogetherWithOurs() throws Exception {
        GpgCli other = otherGpg();
        String otherFingerprint = generateGpgKey(other, "Gpg Made <gpg-made@example.org>", true);
        Path otherPublic = dir.resolve("other.asc");
        other.gpgOk("--armor", "--output", otherPublic.toString(), "--export", otherFingerprint);
        gpg.gpgOk("--import", otherPublic.toString());
        Path bothPublic = dir.resolve("recipients.asc");
        gpg.gpgOk("--armor", "--output", bothPublic.toString(), "--export", key.fingerprint(), otherFingerprint);

        PgpRecipients recipients = PgpRecipients.load(bothPublic);
        assertThat(recipients.userIds()).containsExactlyInAnyOrder(USER_ID, "Gpg Made <gpg-made@example.org>");
        assertThat(recipients.encryptionKeys()).extracting(PGPPublicKey::getAlgorithm)
                .containsExactlyInAnyOrder(PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.ECDH);
        byte[] plaintext = PgpEncryptionRoundTripTest.randomBytes(150_000, 8);
        Path ciphertext = dir.resolve("two.pgp");
        try (OutputStream out = new PgpEncryptor(recipients).encryptingStream(Files.newOutputStream(ciphertext), "two")) {
            out.write(plaintext);
        }

        Path decryptedByOther = dir.resolve("by-other.bin");
        other.gpgOk("--output", decryptedByOther.toString(), "--decrypt", ciphertext.toString());
        assertThat(Files.readAllBytes(decryptedByOther)).isEqualTo(plaintext);
        try (InputStream in = decryptor.decryptingStream(Files.newInputStream(ciphertext))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }

        Path otherSecret = dir.resolve("other-secret.asc");
        other.gpgOk("--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--output", otherSecret.toString(),
                "--export-secret-keys", otherFingerprint);
        try (InputStream in = new PgpDecryptor(otherSecret, new char[0]).decryptingStream(Files.newInputStream(ciphertext))) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
    }

    @Test
    void rejectsAGpgMadeSigningOnlyKey() throws Exception {
        GpgCli other = otherGpg();
        String fingerprint = generateGpgKey(other, "Signing Only <sign-only@example.org>", false);
        Path exported = dir.resolve("sign-only.asc");
        other.gpgOk("--armor", "--output", exported.toString(), "--export", fingerprint);

        assertThatThrownBy(() -> PgpRecipients.load(exported))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no encryption-capable key in " + exported)
                .hasMessageContaining(fingerprint);
    }

    private static synchronized GpgCli otherGpg() throws IOException {
        if (otherGpg == null) {
            otherGpg = GpgCli.withNewHome(work.resolve("gnupg-other"));
        }
        return otherGpg;
    }

    /** Generates an unprotected ed25519 key (plus a cv25519 encryption subkey if asked) in gpg. */
    private static String generateGpgKey(GpgCli home, String userId, boolean withEncryptionSubkey) {
        home.gpgOk("--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", userId, "ed25519", "sign", "never");
        String colons = home.gpgOk("--with-colons", "--list-keys", "=" + userId).stdout();
        String fingerprint = field(lines(colons, "fpr:").get(0), 9);
        if (withEncryptionSubkey) {
            home.gpgOk("--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", fingerprint, "cv25519", "encr", "never");
        }
        return fingerprint;
    }

    private Path encryptToFile(byte[] plaintext, String literalName) throws IOException {
        Path ciphertext = dir.resolve("ours.pgp");
        try (OutputStream out = encryptor.encryptingStream(Files.newOutputStream(ciphertext), literalName)) {
            out.write(plaintext);
        }
        return ciphertext;
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }

    private static List<String> lines(String colons, String prefix) {
        return colons.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    /** 0-based field of a gpg --with-colons record. */
    private static String field(String record, int index) {
        String[] fields = record.split(":", -1);
        return index < fields.length ? fields[index] : "";
    }
}
