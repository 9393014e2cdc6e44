package br.com.gorgen.backup.crypto;

import java.util.Iterator;
import java.util.Locale;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.util.encoders.Hex;

/** Formatting helpers for OpenPGP key identifiers as they appear in messages and manifests. */
final class PgpIds {

    private PgpIds() {
    }

    /** Uppercase hex fingerprint, e.g. 40 digits for a v4 key. */
    static String fingerprint(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(Locale.ROOT);
    }

    /** 16-hex-digit long key id, uppercase, zero padded. */
    static String keyId(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }

    /** First user id of the given (primary) key, or an empty string if it has none. */
    static String firstUserId(PGPPublicKey primaryKey) {
        Iterator<String> ids = primaryKey.getUserIDs();
        return ids.hasNext() ? ids.next() : "";
    }
}
