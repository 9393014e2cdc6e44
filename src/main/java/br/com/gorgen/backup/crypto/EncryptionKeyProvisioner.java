package br.com.gorgen.backup.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the recipients' public key(s) backups are encrypted to. When none is configured, generates a key pair once
 * under {@code <dataDir>/keys} (private key protected by a random passphrase kept beside it) and says loudly that
 * the private key and its passphrase must be moved offline: the server that writes backups should not be able to
 * read them.
 */
public final class EncryptionKeyProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(EncryptionKeyProvisioner.class);

    private EncryptionKeyProvisioner() {
    }

    public static PgpRecipients provision(String configuredPublicKeyFile, Path dataDir) throws IOException {
        if (configuredPublicKeyFile != null && !configuredPublicKeyFile.isBlank()) {
            PgpRecipients recipients = PgpRecipients.load(Path.of(configuredPublicKeyFile));
            LOG.info("Backups are encrypted (OpenPGP, AES-256) to {} key(s): {}", recipients.fingerprints().size(),
                    recipients.fingerprints());
            return recipients;
        }
        Path keys = dataDir.resolve("keys");
        Path publicKey = keys.resolve("backup-public.asc");
        Path secretKey = keys.resolve("backup-private.asc");
        Path passphraseFile = keys.resolve("backup-private.passphrase");
        if (!Files.exists(publicKey)) {
            Files.createDirectories(keys);
            byte[] raw = new byte[24];
            new SecureRandom().nextBytes(raw);
            String passphrase = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            PgpKeyGenerator.GeneratedKey key = new PgpKeyGenerator().generate("GORGEN Backup <backup@gorgen.local>",
                    passphrase.toCharArray());
            key.writeSecretKey(secretKey);
            Files.writeString(passphraseFile, passphrase + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(passphraseFile, PosixFilePermissions.fromString("rw-------"));
            key.writePublicKey(publicKey);
            LOG.warn("""

                    ************************************************************************************************
                    * No BACKUP_PGP_PUBLIC_KEY_FILE configured: generated a new backup key pair (fingerprint {}).
                    * Public key:  {}
                    * PRIVATE KEY: {}   passphrase: {}
                    * MOVE THE PRIVATE KEY AND ITS PASSPHRASE OFFLINE NOW (safe, password manager, offline disk) and
                    * delete them from this server: without them no backup can ever be restored, and while they stay
                    * here anyone who takes this server can read every backup.
                    ************************************************************************************************""",
                    key.fingerprint(), publicKey.toAbsolutePath(), secretKey.toAbsolutePath(),
                    passphraseFile.toAbsolutePath());
        } else if (Files.exists(secretKey)) {
            LOG.warn("The backup private key is still on this server ({}): move it offline.", secretKey.toAbsolutePath());
        }
        return PgpRecipients.load(publicKey);
    }
}
