package br.com.gorgen.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgpKeyGeneratorTest {

    private static final char[] PASSPHRASE = "s3cret passphrase".toCharArray();
    private static final Instant CREATED = Instant.parse("2024-05-01T12:00:00Z");
    private static final String USER_ID = "GORGEN Backup <backup@example.org>";

    private static PgpKeyGenerator.GeneratedKey protectedKey;
    private static PgpKeyGenerator.GeneratedKey unprotectedKey;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() {
        Clock clock = Clock.fixed(CREATED.plusMillis(750), ZoneOffset.UTC);
        protectedKey = new PgpKeyGenerator(new SecureRandom(), clock).generate(USER_ID, PASSPHRASE);
        unprotectedKey = new PgpKeyGenerator().generate("Unprotected <u@example.org>", new char[0]);
    }

    @Test
    void primaryKeyIsRsa3072ForCertifyAndSignWithPreferences() throws Exception {
        PGPPublicKey primary = protectedKey.publicKeyRing().getPublicKey();

        assertThat(primary.getVersion()).isEqualTo(4);
        assertThat(primary.getAlgorithm()).isEqualTo(PublicKeyAlgorithmTags.RSA_GENERAL);
        assertThat(primary.getBitStrength()).isEqualTo(3072);
        assertThat(primary.getCreationTime()).isEqualTo(Date.from(CREATED));
        assertThat(primary.getValidSeconds()).as("no expiry").isZero();
        assertThat(userIds(primary)).containsExactly(USER_ID);

        PGPSignature selfSignature = primary.getSignaturesForID(USER_ID).next();
        assertThat(selfSignature.getSignatureType()).isEqualTo(PGPSignature.POSITIVE_CERTIFICATION);
        assertThat(selfSignature.getHashAlgorithm()).isEqualTo(HashAlgorithmTags.SHA256);
        selfSignature.init(new BcPGPContentVerifierBuilderProvider(), primary);
        assertThat(selfSignature.verifyCertification(USER_ID, primary)).isTrue();
        PGPSignatureSubpacketVector hashed = selfSignature.getHashedSubPackets();
        assertThat(hashed.getKeyFlags()).isEqualTo(KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        assertThat(hashed.getPreferredSymmetricAlgorithms())
                .containsExactly(SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128);
        assertThat(hashed.getPreferredHashAlgorithms()).containsExactly(HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA512);
        assertThat(hashed.getFeatures().supportsModificationDetection()).isTrue();
        assertThat(hashed.getKeyExpirationTime()).isZero();
    }

    @Test
    void encryptionSubkeyIsRsa3072BoundByThePrimaryKey() throws Exception {
        PGPPublicKey primary = protectedKey.publicKeyRing().getPublicKey();
        List<PGPPublicKey> subkeys = subkeys(protectedKey);

        assertThat(subkeys).hasSize(1);
        PGPPublicKey subkey = subkeys.get(0);
        assertThat(subkey.getAlgorithm()).isEqualTo(PublicKeyAlgorithmTags.RSA_GENERAL);
        assertThat(subkey.getBitStrength()).isEqualTo(3072);
        assertThat(subkey.isEncryptionKey()).isTrue();
        assertThat(subkey.getValidSeconds()).isZero();
        PGPSignature binding = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING).next();
        binding.init(new BcPGPContentVerifierBuilderProvider(), primary);
        assertThat(binding.verifyCertification(primary, subkey)).isTrue();
        assertThat(binding.getHashedSubPackets().getKeyFlags())
                .isEqualTo(KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
    }

    @Test
    void secretKeysAreProtectedWithAes256AndIteratedSaltedSha256() throws Exception {
        for (PGPSecretKey secretKey : protectedKey.secretKeyRing()) {
            assertThat(secretKey.getKeyEncryptionAlgorithm()).isEqualTo(SymmetricKeyAlgorithmTags.AES_256);
            assertThat(secretKey.getS2KUsage()).isEqualTo(SecretKeyPacket.USAGE_SHA1);
            assertThat(secretKey.getS2K().getType()).isEqualTo(S2K.SALTED_AND_ITERATED);
            assertThat(secretKey.getS2K().getHashAlgorithm()).isEqualTo(HashAlgorithmTags.SHA256);
            assertThat(secretKey.getS2K().getIterationCount()).isGreaterThanOrEqualTo(1L << 20);
            assertThat(secretKey.extractPrivateKey(decryptorFor(PASSPHRASE))).isNotNull();
            assertThatThrownBy(() -> secretKey.extractPrivateKey(decryptorFor("wrong".toCharArray())))
                    .isInstanceOf(PGPException.class);
        }
    }

    @Test
    void emptyPassphraseLeavesTheSecretKeysUnprotected() throws Exception {
        for (PGPSecretKey secretKey : unprotectedKey.secretKeyRing()) {
            assertThat(secretKey.getKeyEncryptionAlgorithm()).isEqualTo(SymmetricKeyAlgorithmTags.NULL);
            assertThat(secretKey.getS2KUsage()).isEqualTo(SecretKeyPacket.USAGE_NONE);
        }
        Path publicFile = dir.resolve("u.asc");
        Path secretFile = dir.resolve("u-secret.asc");
        unprotectedKey.writePublicKey(publicFile);
        unprotectedKey.writeSecretKey(secretFile);
        byte[] ciphertext = PgpEncryptionRoundTripTest.encrypt(new PgpEncryptor(PgpRecipients.load(publicFile)),
                "hi".getBytes(StandardCharsets.UTF_8));

        try (InputStream in = new PgpDecryptor(secretFile, new char[0]).decryptingStream(new ByteArrayInputStream(ciphertext))) {
            assertThat(in.readAllBytes()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void fingerprintIsTheUppercaseHexOfThePrimaryKey() {
        assertThat(protectedKey.fingerprint())
                .matches("[0-9A-F]{40}")
                .isEqualTo(PgpIds.fingerprint(protectedKey.publicKeyRing().getPublicKey()))
                .isNotEqualTo(unprotectedKey.fingerprint());
    }

    @Test
    void writesSecretKeyOwnerOnlyAndNeverOverwrites() throws Exception {
        Path file = dir.resolve("secret.asc");

        protectedKey.writeSecretKey(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String armored = Files.readString(file, StandardCharsets.US_ASCII);
        assertThat(armored).startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----")
                .contains("-----END PGP PRIVATE KEY BLOCK-----")
                .doesNotContain("Version:");
        assertThat(PgpKeyFiles.readKeyRings(file)).singleElement()
                .satisfies(ring -> assertThat(((org.bouncycastle.openpgp.PGPSecretKeyRing) ring).getEncoded())
                        .isEqualTo(protectedKey.secretKeyRing().getEncoded()));
        assertThatThrownBy(() -> unprotectedKey.writeSecretKey(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file, StandardCharsets.US_ASCII)).isEqualTo(armored);
    }

    @Test
    void writesArmoredPublicKeyReplacingAnOldFile() throws Exception {
        Path file = Files.writeString(dir.resolve("public.asc"), "old content that is longer than nothing");

        protectedKey.writePublicKey(file);

        assertThat(Files.readString(file, StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
                .doesNotContain("old content")
                .doesNotContain("PRIVATE");
        assertThat(PgpKeyFiles.readKeyRings(file)).singleElement()
                .satisfies(ring -> assertThat(((org.bouncycastle.openpgp.PGPPublicKeyRing) ring).getEncoded())
                        .isEqualTo(protectedKey.publicKeyRing().getEncoded()));
    }

    @Test
    void rejectsBlankUserIds() {
        PgpKeyGenerator generator = new PgpKeyGenerator();

        assertThatThrownBy(() -> generator.generate(" ", PASSPHRASE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.generate(null, PASSPHRASE)).isInstanceOf(IllegalArgumentException.class);
    }

    private static org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor decryptorFor(char[] passphrase) {
        return new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase);
    }

    private static List<String> userIds(PGPPublicKey key) {
        List<String> ids = new ArrayList<>();
        key.getUserIDs().forEachRemaining(ids::add);
        return ids;
    }

    private static List<PGPPublicKey> subkeys(PgpKeyGenerator.GeneratedKey key) {
        List<PGPPublicKey> subkeys = new ArrayList<>();
        for (PGPPublicKey publicKey : key.publicKeyRing()) {
            if (!publicKey.isMasterKey()) {
                subkeys.add(publicKey);
            }
        }
        return subkeys;
    }
}
