package br.com.gorgen.backup.crypto;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;

/**
 * The immutable set of OpenPGP keys a backup is encrypted to.
 *
 * <p>Loaded from a public key file holding one or more certificates (ASCII-armored or binary,
 * e.g. the output of {@code gpg --export --armor alice bob}). For every certificate the
 * encryption key is chosen as described in {@link #load(Path)}. All lists are aligned: index
 * {@code i} of {@link #encryptionKeys()}, {@link #fingerprints()}, {@link #keyIds()} and
 * {@link #userIds()} describes the same recipient, in file order. A certificate that appears
 * twice is only used once.
 */
public final class PgpRecipients {

    private final List<PGPPublicKey> encryptionKeys;
    private final List<String> fingerprints;
    private final List<String> keyIds;
    private final List<String> userIds;

    private PgpRecipients(List<PGPPublicKey> encryptionKeys, List<String> userIds) {
        this.encryptionKeys = List.copyOf(encryptionKeys);
        this.userIds = List.copyOf(userIds);
        this.fingerprints = encryptionKeys.stream().map(PgpIds::fingerprint).toList();
        this.keyIds = encryptionKeys.stream().map(key -> PgpIds.keyId(key.getKeyID())).toList();
    }

    /**
     * Loads the recipients from a public key file.
     *
     * <p>For each certificate the newest subkey that is correctly bound, not revoked, not expired
     * and flagged for encryption is used; if there is none, the primary key is used when it is
     * valid and encryption-capable.
     *
     * @param keyFile ASCII-armored or binary file with one or more OpenPGP public keys
     * @return the recipients, never empty
     * @throws IllegalArgumentException if the file is missing or unreadable, is not an OpenPGP
     *     public key file, contains secret keys, or a certificate in it has no usable encryption
     *     key; the message names the file and the problem
     */
    public static PgpRecipients load(Path keyFile) {
        return load(keyFile, Instant.now());
    }

    /** As {@link #load(Path)}, judging key expiry at {@code now}. */
    static PgpRecipients load(Path keyFile, Instant now) {
        EncryptionKeySelector selector = new EncryptionKeySelector(now);
        List<PGPPublicKey> keys = new ArrayList<>();
        List<String> userIds = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Object ring : PgpKeyFiles.readKeyRings(keyFile)) {
            if (ring instanceof PGPSecretKeyRing) {
                throw new IllegalArgumentException("key file " + keyFile + " contains a SECRET key; the backup "
                        + "service only needs the public key (export it with 'gpg --export --armor <key>')");
            }
            PGPPublicKeyRing publicRing = (PGPPublicKeyRing) ring;
            PGPPublicKey primary = publicRing.getPublicKey();
            EncryptionKeySelector.Selection selection = selector.select(publicRing);
            if (selection.key() == null) {
                throw new IllegalArgumentException("no encryption-capable key in " + keyFile + " for '"
                        + PgpIds.firstUserId(primary) + "' (" + PgpIds.fingerprint(primary) + "): "
                        + String.join("; ", selection.rejections()));
            }
            if (seen.add(PgpIds.fingerprint(selection.key()))) {
                keys.add(selection.key());
                userIds.add(PgpIds.firstUserId(primary));
            }
        }
        return new PgpRecipients(keys, userIds);
    }

    /** The public keys to encrypt to, one per recipient. */
    public List<PGPPublicKey> encryptionKeys() {
        return encryptionKeys;
    }

    /** Uppercase hex fingerprints of the encryption keys (not of the primary keys). */
    public List<String> fingerprints() {
        return fingerprints;
    }

    /** 16-hex-digit uppercase long key ids of the encryption keys, as gpg shows them. */
    public List<String> keyIds() {
        return keyIds;
    }

    /** First user id of each recipient certificate (empty string if it has none). */
    public List<String> userIds() {
        return userIds;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < fingerprints.size(); i++) {
            parts.add(fingerprints.get(i) + " '" + userIds.get(i) + "'");
        }
        return "PgpRecipients" + parts;
    }
}
