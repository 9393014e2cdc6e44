package br.com.gorgen.backup.crypto;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Picks the key of a public key ring that data should be encrypted to.
 *
 * <p>Only self-signatures that actually verify are taken into account. Preference order: the
 * newest valid (bound, non-revoked, non-expired) subkey whose key flags allow encryption; then
 * the primary key if it is valid and encryption-capable. A key without a key-flags subpacket is
 * judged by its algorithm alone.
 */
final class EncryptionKeySelector {

    private static final int ENCRYPTION_FLAGS = KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE;

    private static final int[] USER_ID_CERTIFICATIONS = {
        PGPSignature.POSITIVE_CERTIFICATION, PGPSignature.CASUAL_CERTIFICATION,
        PGPSignature.NO_CERTIFICATION, PGPSignature.DEFAULT_CERTIFICATION};

    /** Outcome: the chosen key, or {@code null} plus the reasons every candidate was rejected. */
    record Selection(PGPPublicKey key, List<String> rejections) {
    }

    private final Instant now;
    private final BcPGPContentVerifierBuilderProvider verifiers = new BcPGPContentVerifierBuilderProvider();

    EncryptionKeySelector(Instant now) {
        this.now = now;
    }

    Selection select(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        String primaryName = "primary key " + PgpIds.fingerprint(primary);
        List<String> rejections = new ArrayList<>();

        if (hasValidRevocation(primary, primary, PGPSignature.KEY_REVOCATION)) {
            return none(rejections, primaryName + " is revoked");
        }
        PGPSignature primarySig = newestPrimarySelfSignature(primary);
        if (primarySig == null) {
            return none(rejections, primaryName + " has no valid self-signature");
        }
        Instant primaryExpiry = expiry(primary, primarySig);
        if (primaryExpiry != null && !primaryExpiry.isAfter(now)) {
            return none(rejections, primaryName + " expired on " + primaryExpiry);
        }

        PGPPublicKey best = null;
        for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
            PGPPublicKey subkey = keys.next();
            if (subkey.isMasterKey()) {
                continue;
            }
            String problem = subkeyProblem(primary, subkey);
            if (problem != null) {
                rejections.add("subkey " + PgpIds.fingerprint(subkey) + " " + problem);
            } else if (best == null || subkey.getCreationTime().after(best.getCreationTime())) {
                best = subkey;
            }
        }
        if (best != null) {
            return new Selection(best, List.copyOf(rejections));
        }
        if (canEncrypt(primary, primarySig)) {
            return new Selection(primary, List.copyOf(rejections));
        }
        return none(rejections, primaryName + " is not an encryption key");
    }

    /** Returns why the subkey cannot be used for encryption, or {@code null} if it can. */
    private String subkeyProblem(PGPPublicKey primary, PGPPublicKey subkey) {
        PGPSignature binding = null;
        for (Iterator<PGPSignature> sigs = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            if (verifiesKeyBinding(sig, primary, subkey) && isNewer(sig, binding)) {
                binding = sig;
            }
        }
        if (binding == null) {
            return "has no valid binding signature";
        }
        if (hasValidRevocation(primary, subkey, PGPSignature.SUBKEY_REVOCATION)) {
            return "is revoked";
        }
        if (!canEncrypt(subkey, binding)) {
            return "is not an encryption key";
        }
        Instant expiry = expiry(subkey, binding);
        if (expiry != null && !expiry.isAfter(now)) {
            return "expired on " + expiry;
        }
        return null;
    }

    private PGPSignature newestPrimarySelfSignature(PGPPublicKey primary) {
        PGPSignature newest = null;
        for (Iterator<byte[]> ids = primary.getRawUserIDs(); ids.hasNext(); ) {
            byte[] userId = ids.next();
            for (Iterator<PGPSignature> sigs = primary.getSignaturesForID(userId); sigs.hasNext(); ) {
                PGPSignature sig = sigs.next();
                if (isUserIdCertification(sig) && verifiesUserId(sig, userId, primary) && isNewer(sig, newest)) {
                    newest = sig;
                }
            }
        }
        for (Iterator<PGPSignature> sigs = primary.getSignaturesOfType(PGPSignature.DIRECT_KEY); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            if (verifiesDirectKey(sig, primary) && isNewer(sig, newest)) {
                newest = sig;
            }
        }
        return newest;
    }

    private boolean hasValidRevocation(PGPPublicKey primary, PGPPublicKey key, int revocationType) {
        for (Iterator<PGPSignature> sigs = key.getSignaturesOfType(revocationType); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            boolean valid = key == primary ? verifiesDirectKey(sig, primary) : verifiesKeyBinding(sig, primary, key);
            if (valid) {
                return true;
            }
        }
        return false;
    }

    private static boolean canEncrypt(PGPPublicKey key, PGPSignature selfSignature) {
        if (!key.isEncryptionKey()) {
            return false;
        }
        PGPSignatureSubpacketVector hashed = selfSignature.getHashedSubPackets();
        return hashed == null || !hashed.hasSubpacket(SignatureSubpacketTags.KEY_FLAGS)
                || (hashed.getKeyFlags() & ENCRYPTION_FLAGS) != 0;
    }

    /** Expiry instant of {@code key} according to {@code selfSignature}, or {@code null} for never. */
    private static Instant expiry(PGPPublicKey key, PGPSignature selfSignature) {
        PGPSignatureSubpacketVector hashed = selfSignature.getHashedSubPackets();
        long seconds = hashed == null ? 0 : hashed.getKeyExpirationTime();
        return seconds <= 0 ? null : key.getCreationTime().toInstant().plusSeconds(seconds);
    }

    private static boolean isUserIdCertification(PGPSignature sig) {
        for (int type : USER_ID_CERTIFICATIONS) {
            if (sig.getSignatureType() == type) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNewer(PGPSignature candidate, PGPSignature current) {
        return current == null || candidate.getCreationTime().after(current.getCreationTime());
    }

    private boolean verifiesUserId(PGPSignature sig, byte[] userId, PGPPublicKey primary) {
        try {
            sig.init(verifiers, primary);
            return sig.verifyCertification(userId, primary);
        } catch (PGPException | RuntimeException e) {
            return false; // third-party or malformed signature: not a valid self-signature
        }
    }

    private boolean verifiesDirectKey(PGPSignature sig, PGPPublicKey primary) {
        try {
            sig.init(verifiers, primary);
            return sig.verifyCertification(primary);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private boolean verifiesKeyBinding(PGPSignature sig, PGPPublicKey primary, PGPPublicKey subkey) {
        try {
            sig.init(verifiers, primary);
            return sig.verifyCertification(primary, subkey);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private static Selection none(List<String> rejections, String reason) {
        rejections.add(reason);
        return new Selection(null, List.copyOf(rejections));
    }
}
