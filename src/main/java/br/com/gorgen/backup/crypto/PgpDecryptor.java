package br.com.gorgen.backup.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * Decrypts OpenPGP messages (such as those written by {@link PgpEncryptor} or
 * {@code gpg --encrypt}) with the secret keys from a key file; used for restores.
 *
 * <p>Accepts binary or ASCII-armored messages, optionally compressed; only integrity-protected
 * messages (MDC or AEAD) are accepted. Signatures inside the message are skipped, not verified.
 * Decryption streams with constant memory.
 *
 * <p>Unlocked private keys are cached in this instance, so the (deliberately slow) passphrase
 * derivation runs once per key. Instances are thread-safe; returned streams are not.
 */
public final class PgpDecryptor {

    private static final long WILDCARD_KEY_ID = 0L;

    private final Path secretKeyFile;
    private final List<PGPSecretKeyRing> secretKeyRings;
    private final char[] passphrase;
    private final Map<Long, PGPPrivateKey> unlockedKeys = new ConcurrentHashMap<>();

    /**
     * Loads the secret keys.
     *
     * @param secretKeyFile ASCII-armored or binary file with one or more secret key rings
     *     (e.g. {@code gpg --export-secret-keys --armor}); public keys in it are ignored
     * @param passphrase passphrase of the secret keys, empty for unprotected keys; copied
     * @throws IllegalArgumentException if the file is missing, unreadable, not an OpenPGP key
     *     file or contains no secret key
     */
    public PgpDecryptor(Path secretKeyFile, char[] passphrase) {
        this.secretKeyFile = Objects.requireNonNull(secretKeyFile, "secretKeyFile");
        this.passphrase = Objects.requireNonNull(passphrase, "passphrase").clone();
        List<PGPSecretKeyRing> rings = new ArrayList<>();
        for (Object ring : PgpKeyFiles.readKeyRings(secretKeyFile)) {
            if (ring instanceof PGPSecretKeyRing secretRing) {
                rings.add(secretRing);
            }
        }
        if (rings.isEmpty()) {
            throw new IllegalArgumentException("no secret key in " + secretKeyFile
                    + " (only public keys; export with 'gpg --export-secret-keys --armor <key>')");
        }
        this.secretKeyRings = List.copyOf(rings);
    }

    /**
     * Returns a stream of the plaintext of the OpenPGP message read from {@code encrypted}.
     *
     * <p>The session key is decrypted before this method returns, so a message that is not
     * addressed to any of our keys, or a wrong passphrase, fails here. Integrity is checked when
     * the returned stream reaches end of data: the final {@code read} throws instead of
     * returning {@code -1} if the message was modified or truncated. Plaintext read before that
     * point must therefore be treated as unverified until EOF has been reached without error.
     * Closing the returned stream closes {@code encrypted}; so does a failure of this method.
     *
     * @throws IOException with a descriptive message if the input is not an encrypted OpenPGP
     *     message, is not integrity protected, is not encrypted to any key in the key file, the
     *     passphrase is wrong, or reading fails
     */
    public InputStream decryptingStream(InputStream encrypted) throws IOException {
        Objects.requireNonNull(encrypted, "encrypted");
        boolean success = false;
        try {
            PGPEncryptedDataList encryptedDataList = readEncryptedDataList(encrypted);
            if (!encryptedDataList.isIntegrityProtected()
                    && !encryptedDataList.get(0).isAEAD()) {
                throw new IOException("refusing to decrypt: message is not integrity protected (no MDC)");
            }
            DecryptedPayload payload = openPayload(encryptedDataList);
            InputStream result = new VerifyingInputStream(literalDataStream(payload.plaintext()),
                    payload.plaintext(), payload.encryptedData(), encrypted);
            success = true;
            return result;
        } catch (PGPException e) {
            throw new IOException("cannot decrypt backup: " + e.getMessage(), e);
        } finally {
            if (!success) {
                encrypted.close();
            }
        }
    }

    private record DecryptedPayload(PGPPublicKeyEncryptedData encryptedData, InputStream plaintext) {
    }

    private static PGPEncryptedDataList readEncryptedDataList(InputStream in) throws IOException {
        Object object;
        try {
            // Detects and strips ASCII armor.
            BcPGPObjectFactory factory = new BcPGPObjectFactory(PGPUtil.getDecoderStream(in));
            object = factory.nextObject();
            while (object instanceof PGPMarker) {
                object = factory.nextObject();
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("input is not a valid OpenPGP message (corrupt or truncated?): " + e.getMessage(), e);
        }
        if (object instanceof PGPEncryptedDataList list && !list.isEmpty()) {
            return list;
        }
        throw new IOException("input is not an encrypted OpenPGP message (found "
                + (object == null ? "no OpenPGP data" : object.getClass().getSimpleName()) + ")");
    }

    private DecryptedPayload openPayload(PGPEncryptedDataList list) throws IOException, PGPException {
        List<String> recipients = new ArrayList<>();
        IOException lastFailure = null;
        for (PGPEncryptedData data : list) {
            if (data instanceof PGPPBEEncryptedData) {
                recipients.add("passphrase (symmetric encryption, not supported)");
                continue;
            }
            if (!(data instanceof PGPPublicKeyEncryptedData pked)) {
                continue;
            }
            long keyId = pked.getKeyID();
            recipients.add(keyId == WILDCARD_KEY_ID ? "anonymous recipient" : PgpIds.keyId(keyId));
            for (PGPSecretKey secretKey : candidateKeys(keyId)) {
                try {
                    PGPPrivateKey privateKey = unlock(secretKey);
                    InputStream plaintext = pked.getDataStream(new BcPublicKeyDataDecryptorFactory(privateKey));
                    return new DecryptedPayload(pked, plaintext);
                } catch (IOException e) {
                    lastFailure = e;
                } catch (PGPException | RuntimeException e) {
                    lastFailure = new IOException("cannot decrypt the session key with key "
                            + PgpIds.keyId(secretKey.getKeyID()) + " from " + secretKeyFile + ": " + e.getMessage(), e);
                }
            }
        }
        if (lastFailure != null) {
            throw lastFailure;
        }
        throw new KeyException("backup is not encrypted to any key in " + secretKeyFile
                + ": recipients are " + String.join(", ", recipients));
    }

    /** Secret keys that may decrypt a session key addressed to {@code keyId} (0 = anyone). */
    private List<PGPSecretKey> candidateKeys(long keyId) {
        List<PGPSecretKey> candidates = new ArrayList<>();
        for (PGPSecretKeyRing ring : secretKeyRings) {
            for (Iterator<PGPSecretKey> keys = ring.getSecretKeys(); keys.hasNext(); ) {
                PGPSecretKey key = keys.next();
                boolean matches = keyId == WILDCARD_KEY_ID
                        ? key.getPublicKey().isEncryptionKey()
                        : key.getKeyID() == keyId;
                if (matches && !key.isPrivateKeyEmpty()) {
                    candidates.add(key);
                }
            }
        }
        return candidates;
    }

    private PGPPrivateKey unlock(PGPSecretKey secretKey) throws IOException {
        PGPPrivateKey cached = unlockedKeys.get(secretKey.getKeyID());
        if (cached != null) {
            return cached;
        }
        PGPPrivateKey privateKey;
        try {
            privateKey = secretKey.extractPrivateKey(
                    new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase));
        } catch (PGPException | RuntimeException e) {
            String hint = passphrase.length == 0 ? " (the key is passphrase-protected but no passphrase was given)" : "";
            throw new KeyException("wrong passphrase for key " + PgpIds.keyId(secretKey.getKeyID())
                    + " '" + userIdOf(secretKey) + "' in " + secretKeyFile + hint, e);
        }
        if (privateKey == null) {
            throw new IOException("key " + PgpIds.keyId(secretKey.getKeyID()) + " in " + secretKeyFile
                    + " has no private key material");
        }
        unlockedKeys.putIfAbsent(secretKey.getKeyID(), privateKey);
        return privateKey;
    }

    private String userIdOf(PGPSecretKey key) {
        for (PGPSecretKeyRing ring : secretKeyRings) {
            if (ring.getSecretKey(key.getKeyID()) != null) {
                return PgpIds.firstUserId(ring.getPublicKey());
            }
        }
        return "";
    }

    /** Unwraps compression and skips signature packets up to the literal data packet. */
    private static InputStream literalDataStream(InputStream plaintext) throws IOException {
        try {
            return findLiteralData(plaintext);
        } catch (IOException | PGPException | RuntimeException e) {
            throw new IOException("integrity check failed: backup is corrupt or was tampered with "
                    + "(cannot parse the decrypted content: " + e.getMessage() + ")", e);
        }
    }

    private static InputStream findLiteralData(InputStream plaintext) throws IOException, PGPException {
        BcPGPObjectFactory factory = new BcPGPObjectFactory(plaintext);
        Object object = factory.nextObject();
        while (object != null) {
            if (object instanceof PGPLiteralData literal) {
                return literal.getDataStream();
            }
            if (object instanceof PGPCompressedData compressed) {
                factory = new BcPGPObjectFactory(compressed.getDataStream());
            } else if (!(object instanceof PGPOnePassSignatureList || object instanceof PGPSignatureList
                    || object instanceof PGPMarker)) {
                throw new IOException("unexpected OpenPGP packet inside the encrypted message: "
                        + object.getClass().getSimpleName());
            }
            object = factory.nextObject();
        }
        throw new IOException("encrypted message contains no literal data");
    }

    /** Passes the literal data through and checks integrity once the end is reached. */
    private static final class VerifyingInputStream extends InputStream {

        private final InputStream literal;
        private final InputStream plaintext;
        private final PGPEncryptedData encryptedData;
        private final InputStream source;
        private boolean verified;

        VerifyingInputStream(InputStream literal, InputStream plaintext, PGPEncryptedData encryptedData,
                InputStream source) {
            this.literal = literal;
            this.plaintext = plaintext;
            this.encryptedData = encryptedData;
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = literal.read();
            } catch (IOException | RuntimeException e) {
                throw corrupt(e);
            }
            if (b < 0) {
                verifyIntegrity();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, buffer.length);
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = literal.read(buffer, off, len);
            } catch (IOException | RuntimeException e) {
                throw corrupt(e);
            }
            if (n < 0) {
                verifyIntegrity();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            source.close();
        }

        private void verifyIntegrity() throws IOException {
            if (verified) {
                return;
            }
            boolean intact;
            try {
                if (encryptedData.isIntegrityProtected()) {
                    // SEIPD: drains the rest of the message (e.g. trailing signatures), then checks the MDC.
                    intact = encryptedData.verify();
                } else {
                    // Legacy AEAD packet: reading to the end makes the decryptor check the final tag.
                    plaintext.transferTo(OutputStream.nullOutputStream());
                    intact = true;
                }
            } catch (IOException | PGPException | RuntimeException e) {
                throw corrupt(e);
            }
            if (!intact) {
                throw new IOException("integrity check failed (MDC mismatch): "
                        + "backup is corrupt or was tampered with");
            }
            verified = true;
        }

        private static IOException corrupt(Exception cause) {
            return new IOException("integrity check failed: backup is corrupt, truncated or was tampered with ("
                    + cause.getMessage() + ")", cause);
        }
    }

    /**
     * The private key at hand cannot open the backup (a wrong passphrase, a backup encrypted to other keys): no copy
     * of it would decrypt better.
     */
    public static final class KeyException extends IOException {
        public KeyException(String message) {
            super(message);
        }

        public KeyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
