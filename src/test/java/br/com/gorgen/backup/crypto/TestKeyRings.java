package br.com.gorgen.backup.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * Builds unusual public key rings for selection tests (sign-only, expiring or revoked subkeys).
 * Uses small RSA keys: these keys only need to be structurally realistic and fast to make.
 */
final class TestKeyRings {

    static final int SIGN_ONLY = KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA;
    static final int ENCRYPT = KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE;

    /** One subkey to add: creation time, key flags, expiry in seconds (0 = never), revoked. */
    record Subkey(Date created, int flags, long expirySeconds, boolean revoked) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeyRings() {
    }

    static PGPPublicKeyRing build(String userId, Date created, int primaryFlags, Subkey... subkeys) throws PGPException {
        PGPKeyPair primary = rsa(created);
        PGPSignatureSubpacketGenerator primaryPackets = new PGPSignatureSubpacketGenerator();
        primaryPackets.setSignatureCreationTime(false, created);
        primaryPackets.setKeyFlags(false, primaryFlags);
        PGPKeyRingGenerator generator = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), primaryPackets.generate(), null,
                signer(), null);
        PGPKeyPair[] subkeyPairs = new PGPKeyPair[subkeys.length];
        for (int i = 0; i < subkeys.length; i++) {
            subkeyPairs[i] = rsa(subkeys[i].created());
            PGPSignatureSubpacketGenerator packets = new PGPSignatureSubpacketGenerator();
            packets.setSignatureCreationTime(false, subkeys[i].created());
            packets.setKeyFlags(false, subkeys[i].flags());
            if (subkeys[i].expirySeconds() > 0) {
                packets.setKeyExpirationTime(false, subkeys[i].expirySeconds());
            }
            generator.addSubKey(subkeyPairs[i], packets.generate(), null);
        }
        PGPPublicKeyRing ring = generator.generatePublicKeyRing();
        for (int i = 0; i < subkeys.length; i++) {
            if (subkeys[i].revoked()) {
                ring = revokeSubkey(ring, primary, subkeyPairs[i].getPublicKey().getKeyID());
            }
        }
        return ring;
    }

    static void writeArmored(Path file, PGPKeyRing... rings) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
            for (PGPKeyRing ring : rings) {
                ring.encode(armored);
            }
        }
    }

    private static PGPPublicKeyRing revokeSubkey(PGPPublicKeyRing ring, PGPKeyPair primary, long subkeyId)
            throws PGPException {
        PGPSignatureGenerator generator = new PGPSignatureGenerator(signer(), primary.getPublicKey());
        generator.init(PGPSignature.SUBKEY_REVOCATION, primary.getPrivateKey());
        PGPPublicKey subkey = ring.getPublicKey(subkeyId);
        PGPSignature revocation = generator.generateCertification(ring.getPublicKey(), subkey);
        return PGPPublicKeyRing.insertPublicKey(ring, PGPPublicKey.addCertification(subkey, revocation));
    }

    private static BcPGPContentSignerBuilder signer() {
        return new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256);
    }

    private static PGPKeyPair rsa(Date created) throws PGPException {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), RANDOM, 1024, 80));
        return new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, generator.generateKeyPair(), created);
    }
}
