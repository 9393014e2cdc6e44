package br.com.gorgen.backup.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.PBESecretKeyEncryptor;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * Generates OpenPGP backup keys that GnuPG 2.2 can import and use.
 *
 * <p>Each key is an RSA-3072 primary key (certify + sign) with one RSA-3072 encryption subkey,
 * a positive self-certification of the user id and a subkey binding signature (SHA-256), the
 * preferences AES-256/AES-128 and SHA-256/SHA-512, the MDC feature flag and no expiry. The secret
 * keys are protected with AES-256 and an iterated and salted SHA-256 S2K, or left unprotected
 * when the passphrase is empty.
 */
public final class PgpKeyGenerator {

    private static final int RSA_BITS = 3072;
    private static final BigInteger RSA_PUBLIC_EXPONENT = BigInteger.valueOf(65537);
    private static final int RSA_PRIME_CERTAINTY = 128;
    /** Encoded S2K count 0xF0 = 33,554,432 hashed bytes, in the range GnuPG calibrates to. */
    private static final int S2K_COUNT = 0xF0;

    private final SecureRandom random;
    private final Clock clock;

    /** Uses a fresh {@link SecureRandom} and the system clock. */
    public PgpKeyGenerator() {
        this(new SecureRandom(), Clock.systemUTC());
    }

    /**
     * Uses the given sources of randomness and time.
     *
     * @param random randomness for keys and S2K salts
     * @param clock creation time of keys and signatures
     */
    public PgpKeyGenerator(SecureRandom random, Clock clock) {
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Generates a new key.
     *
     * @param userId user id, e.g. {@code "GORGEN Backup <backup@example.org>"}
     * @param passphrase protects the secret keys; empty for unprotected keys. Not retained.
     * @throws IllegalArgumentException if the user id is blank
     * @throws IllegalStateException if BouncyCastle fails to build the key
     */
    public GeneratedKey generate(String userId, char[] passphrase) {
        Objects.requireNonNull(passphrase, "passphrase");
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user id must not be blank");
        }
        // OpenPGP timestamps have one-second resolution.
        Date now = new Date(clock.millis() / 1000 * 1000);
        try {
            PGPKeyPair primary = rsaKeyPair(now);
            PGPKeyPair encryption = rsaKeyPair(now);
            PGPDigestCalculator sha1 = new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1);
            PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary,
                    userId, sha1, primarySubpackets(primary, now), null,
                    new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256),
                    secretKeyEncryptor(passphrase));
            rings.addSubKey(encryption, encryptionSubpackets(primary, now), null);
            return new GeneratedKey(rings.generatePublicKeyRing(), rings.generateSecretKeyRing());
        } catch (PGPException e) {
            throw new IllegalStateException("OpenPGP key generation failed: " + e.getMessage(), e);
        }
    }

    private PGPKeyPair rsaKeyPair(Date creationTime) throws PGPException {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(RSA_PUBLIC_EXPONENT, random, RSA_BITS, RSA_PRIME_CERTAINTY));
        return new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.RSA_GENERAL,
                generator.generateKeyPair(), creationTime);
    }

    private static PGPSignatureSubpacketVector primarySubpackets(PGPKeyPair primary, Date now) {
        PGPSignatureSubpacketGenerator subpackets = new PGPSignatureSubpacketGenerator();
        subpackets.setSignatureCreationTime(false, now);
        subpackets.setIssuerFingerprint(false, primary.getPublicKey());
        subpackets.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        subpackets.setPreferredSymmetricAlgorithms(false,
                new int[] {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128});
        subpackets.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA512});
        subpackets.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        subpackets.setPrimaryUserID(false, true);
        return subpackets.generate();
    }

    private static PGPSignatureSubpacketVector encryptionSubpackets(PGPKeyPair primary, Date now) {
        PGPSignatureSubpacketGenerator subpackets = new PGPSignatureSubpacketGenerator();
        subpackets.setSignatureCreationTime(false, now);
        subpackets.setIssuerFingerprint(false, primary.getPublicKey());
        subpackets.setKeyFlags(false, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
        return subpackets.generate();
    }

    private PBESecretKeyEncryptor secretKeyEncryptor(char[] passphrase) throws PGPException {
        if (passphrase.length == 0) {
            return null; // unprotected secret key
        }
        PGPDigestCalculator sha256 = new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA256);
        return new BcPBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256, sha256, S2K_COUNT)
                .setSecureRandom(random)
                .build(passphrase);
    }

    /**
     * A freshly generated key: the public certificate to configure on the backup server and the
     * secret key to keep offline for restores.
     *
     * @param publicKeyRing primary public key, user id and encryption subkey with signatures
     * @param secretKeyRing the same keys with their (possibly passphrase-protected) secret parts
     */
    public record GeneratedKey(PGPPublicKeyRing publicKeyRing, PGPSecretKeyRing secretKeyRing) {

        private static final Set<StandardOpenOption> NEW_FILE =
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        private static final Set<StandardOpenOption> OVERWRITE = EnumSet.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);

        /** Validates the components. */
        public GeneratedKey {
            Objects.requireNonNull(publicKeyRing, "publicKeyRing");
            Objects.requireNonNull(secretKeyRing, "secretKeyRing");
        }

        /** Uppercase hex fingerprint of the primary key (40 digits), as {@code gpg --list-keys} shows it. */
        public String fingerprint() {
            return PgpIds.fingerprint(publicKeyRing.getPublicKey());
        }

        /** Writes the ASCII-armored public key, replacing an existing file. */
        public void writePublicKey(Path file) throws IOException {
            try (OutputStream out = Files.newOutputStream(file, OVERWRITE.toArray(StandardOpenOption[]::new));
                    ArmoredOutputStream armored = armor(out)) {
                publicKeyRing.encode(armored, true);
            }
        }

        /**
         * Writes the ASCII-armored secret key to a new file. On POSIX file systems the file is
         * created with permissions {@code rw-------} atomically (never readable by others).
         *
         * @throws java.nio.file.FileAlreadyExistsException if the file exists; secret keys are
         *     never overwritten
         */
        public void writeSecretKey(Path file) throws IOException {
            try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(file, NEW_FILE, ownerOnly(file)));
                    ArmoredOutputStream armored = armor(out)) {
                secretKeyRing.encode(armored);
            }
        }

        private static FileAttribute<?>[] ownerOnly(Path file) {
            if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return new FileAttribute<?>[0];
            }
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }

        private static ArmoredOutputStream armor(OutputStream out) {
            return ArmoredOutputStream.builder().clearHeaders().build(out);
        }
    }
}
