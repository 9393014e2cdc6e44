package br.com.gorgen.backup.restore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import br.com.gorgen.backup.crypto.PgpDecryptor;

/**
 * Where the decryption key comes from: {@code BACKUP_PGP_PRIVATE_KEY_FILE} and {@code BACKUP_PGP_PASSPHRASE} (or
 * {@code BACKUP_PGP_PASSPHRASE_FILE}); failing those, a key pair generated under data/keys that was not moved offline.
 * Keys live only where restores run, so their absence is a clear refusal, not an error.
 */
public class PrivateKeySource {
    private final String keyFile;
    private final String passphrase;
    private final String passphraseFile;
    private final Path dataDir;

    public PrivateKeySource(String keyFile, String passphrase, String passphraseFile, Path dataDir) {
        this.keyFile = keyFile;
        this.passphrase = passphrase;
        this.passphraseFile = passphraseFile;
        this.dataDir = dataDir;
    }

    /** Null when this server can decrypt, else why not. */
    public String unavailableReason() {
        Path key = keyPath();
        if (key == null) {
            return "no decryption key on this server: set BACKUP_PGP_PRIVATE_KEY_FILE and BACKUP_PGP_PASSPHRASE "
                    + "(decryption keys live only where restores run)";
        }
        if (!Files.isReadable(key)) {
            return "the decryption key file " + key + " (BACKUP_PGP_PRIVATE_KEY_FILE) cannot be read";
        }
        return null;
    }

    public PgpDecryptor decryptor() throws RestoreRefusedException {
        String reason = unavailableReason();
        if (reason != null) {
            throw new RestoreRefusedException(reason);
        }
        try {
            return new PgpDecryptor(keyPath(), passphrase().toCharArray());
        } catch (RuntimeException e) {
            throw new RestoreRefusedException("the decryption key cannot be used: " + e.getMessage());
        }
    }

    private Path keyPath() {
        if (keyFile != null && !keyFile.isBlank()) {
            return Path.of(keyFile);
        }
        Path generated = dataDir.resolve("keys/backup-private.asc");
        return Files.exists(generated) ? generated : null;
    }

    private String passphrase() throws RestoreRefusedException {
        try {
            if (passphrase != null && !passphrase.isEmpty()) {
                return passphrase;
            }
            if (passphraseFile != null && !passphraseFile.isBlank()) {
                return Files.readString(Path.of(passphraseFile), StandardCharsets.UTF_8).strip();
            }
            Path generated = dataDir.resolve("keys/backup-private.passphrase");
            if ((keyFile == null || keyFile.isBlank()) && Files.exists(generated)) {
                return Files.readString(generated, StandardCharsets.UTF_8).strip();
            }
            return "";
        } catch (java.io.IOException e) {
            throw new RestoreRefusedException("the passphrase file cannot be read: " + e.getMessage());
        }
    }
}
