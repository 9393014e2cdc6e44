package br.com.gorgen.backup.crypto;

import static br.com.gorgen.backup.crypto.TestKeyRings.ENCRYPT;
import static br.com.gorgen.backup.crypto.TestKeyRings.SIGN_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;

import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgpRecipientsTest {

    private static final Instant NOW = Instant.now();
    private static final Date MONTH_AGO = Date.from(NOW.minus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));

    private static PgpKeyGenerator.GeneratedKey alice;
    private static PGPPublicKeyRing bob;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateKeys() throws Exception {
        alice = new PgpKeyGenerator().generate("Alice <alice@example.org>", "alice pass".toCharArray());
        bob = TestKeyRings.build("Bob <bob@example.org>", MONTH_AGO, SIGN_ONLY,
                new TestKeyRings.Subkey(MONTH_AGO, ENCRYPT, 0, false));
    }

    @Test
    void usesTheEncryptionSubkeyOfAGeneratedKey() throws Exception {
        Path file = dir.resolve("alice.asc");
        alice.writePublicKey(file);

        PgpRecipients recipients = PgpRecipients.load(file);

        PGPPublicKey subkey = encryptionSubkey(alice.publicKeyRing());
        String subkeyFingerprint = Hex.toHexString(subkey.getFingerprint()).toUpperCase(Locale.ROOT);
        assertThat(recipients.encryptionKeys()).extracting(PGPPublicKey::getKeyID).containsExactly(subkey.getKeyID());
        assertThat(recipients.fingerprints()).containsExactly(subkeyFingerprint);
        assertThat(recipients.fingerprints().get(0)).matches("[0-9A-F]{40}").isNotEqualTo(alice.fingerprint());
        assertThat(recipients.keyIds()).containsExactly(subkeyFingerprint.substring(24));
        assertThat(recipients.userIds()).containsExactly("Alice <alice@example.org>");
    }

    @Test
    void loadsSeveralKeysFromOneArmorBlockInFileOrder() throws Exception {
        Path file = dir.resolve("both.asc");
        TestKeyRings.writeArmored(file, alice.publicKeyRing(), bob);

        PgpRecipients recipients = PgpRecipients.load(file);

        assertThat(recipients.userIds()).containsExactly("Alice <alice@example.org>", "Bob <bob@example.org>");
        assertThat(recipients.keyIds()).hasSize(2).allMatch(id -> id.matches("[0-9A-F]{16}"));
        assertThat(recipients.encryptionKeys()).hasSize(2).noneMatch(PGPPublicKey::isMasterKey);
    }

    @Test
    void loadsConcatenatedArmorBlocksWithTextAround() throws Exception {
        Path aliceFile = dir.resolve("alice.asc");
        Path bobFile = dir.resolve("bob.asc");
        alice.writePublicKey(aliceFile);
        TestKeyRings.writeArmored(bobFile, bob);
        Path both = dir.resolve("both.asc");
        Files.writeString(both, "Backup recipients\n" + Files.readString(aliceFile) + "\n-- and --\n"
                + Files.readString(bobFile) + "\n");

        assertThat(PgpRecipients.load(both).userIds())
                .containsExactly("Alice <alice@example.org>", "Bob <bob@example.org>");
    }

    @Test
    void loadsBinaryKeyFiles() throws Exception {
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        bob.encode(binary);
        alice.publicKeyRing().encode(binary);
        Path file = dir.resolve("keys.gpg");
        Files.write(file, binary.toByteArray());

        assertThat(PgpRecipients.load(file).userIds())
                .containsExactly("Bob <bob@example.org>", "Alice <alice@example.org>");
    }

    @Test
    void usesADuplicatedCertificateOnlyOnce() throws Exception {
        Path file = dir.resolve("dup.asc");
        TestKeyRings.writeArmored(file, bob, bob);

        assertThat(PgpRecipients.load(file).fingerprints()).hasSize(1);
    }

    @Test
    void rejectsMissingFile() {
        Path file = dir.resolve("nope.asc");

        assertThatThrownBy(() -> PgpRecipients.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found").hasMessageContaining(file.toString());
    }

    @Test
    void rejectsGarbageAndEmptyFiles() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.asc"), "this is not a key\n");
        Path empty = Files.write(dir.resolve("empty.asc"), new byte[0]);

        assertThatThrownBy(() -> PgpRecipients.load(garbage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an OpenPGP key file").hasMessageContaining(garbage.toString());
        assertThatThrownBy(() -> PgpRecipients.load(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an OpenPGP key file").hasMessageContaining(empty.toString());
    }

    @Test
    void rejectsCorruptArmorAndCorruptBinary() throws Exception {
        Path armor = Files.writeString(dir.resolve("corrupt.asc"),
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQGNBGsK/TIBDADO30W5Cku2\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n");
        byte[] truncated = java.util.Arrays.copyOf(bob.getEncoded(), 100);
        Path binary = Files.write(dir.resolve("corrupt.gpg"), truncated);

        assertThatThrownBy(() -> PgpRecipients.load(armor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot parse OpenPGP key file").hasMessageContaining(armor.toString());
        assertThatThrownBy(() -> PgpRecipients.load(binary))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot parse OpenPGP key file").hasMessageContaining(binary.toString());
    }

    @Test
    void rejectsSecretKeyFiles() throws Exception {
        Path file = dir.resolve("secret.asc");
        alice.writeSecretKey(file);

        assertThatThrownBy(() -> PgpRecipients.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SECRET key").hasMessageContaining(file.toString());
    }

    @Test
    void rejectsKeyWithoutEncryptionCapability() throws Exception {
        PGPPublicKeyRing signOnly = TestKeyRings.build("Signer <signer@example.org>", MONTH_AGO, SIGN_ONLY);
        Path file = dir.resolve("signer.asc");
        TestKeyRings.writeArmored(file, bob, signOnly);

        assertThatThrownBy(() -> PgpRecipients.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no encryption-capable key in " + file)
                .hasMessageContaining("Signer <signer@example.org>")
                .hasMessageContaining("is not an encryption key");
    }

    @Test
    void skipsRevokedSubkeys() throws Exception {
        PGPPublicKeyRing onlyRevoked = TestKeyRings.build("Revoked <r@example.org>", MONTH_AGO, SIGN_ONLY,
                new TestKeyRings.Subkey(MONTH_AGO, ENCRYPT, 0, true));
        PGPPublicKeyRing oneRevoked = TestKeyRings.build("Rotated <r@example.org>", MONTH_AGO, SIGN_ONLY,
                new TestKeyRings.Subkey(MONTH_AGO, ENCRYPT, 0, false),
                new TestKeyRings.Subkey(new Date(MONTH_AGO.getTime() + 1000), ENCRYPT, 0, true));
        Path revokedFile = dir.resolve("revoked.asc");
        Path rotatedFile = dir.resolve("rotated.asc");
        TestKeyRings.writeArmored(revokedFile, onlyRevoked);
        TestKeyRings.writeArmored(rotatedFile, oneRevoked);

        assertThatThrownBy(() -> PgpRecipients.load(revokedFile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no encryption-capable key in " + revokedFile)
                .hasMessageContaining("is revoked");
        assertThat(PgpRecipients.load(rotatedFile).keyIds())
                .containsExactly(PgpIds.keyId(subkeyCreatedAt(oneRevoked, MONTH_AGO).getKeyID()));
    }

    @Test
    void skipsExpiredSubkeys() throws Exception {
        PGPPublicKeyRing ring = TestKeyRings.build("Expiring <e@example.org>", MONTH_AGO, SIGN_ONLY,
                new TestKeyRings.Subkey(MONTH_AGO, ENCRYPT, Duration.ofDays(1).toSeconds(), false));
        Path file = dir.resolve("expiring.asc");
        TestKeyRings.writeArmored(file, ring);

        assertThatThrownBy(() -> PgpRecipients.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no encryption-capable key in " + file)
                .hasMessageContaining("expired on");
        assertThat(PgpRecipients.load(file, MONTH_AGO.toInstant().plus(Duration.ofHours(1))).fingerprints()).hasSize(1);
    }

    @Test
    void prefersTheNewestValidEncryptionSubkey() throws Exception {
        Date later = new Date(MONTH_AGO.getTime() + 60_000);
        PGPPublicKeyRing ring = TestKeyRings.build("Two <two@example.org>", MONTH_AGO, SIGN_ONLY,
                new TestKeyRings.Subkey(MONTH_AGO, ENCRYPT, 0, false),
                new TestKeyRings.Subkey(later, ENCRYPT, 0, false),
                new TestKeyRings.Subkey(new Date(later.getTime() + 60_000), KeyFlags.SIGN_DATA, 0, false));
        Path file = dir.resolve("two.asc");
        TestKeyRings.writeArmored(file, ring);

        assertThat(PgpRecipients.load(file).keyIds())
                .containsExactly(PgpIds.keyId(subkeyCreatedAt(ring, later).getKeyID()));
    }

    @Test
    void fallsBackToAnEncryptionCapablePrimaryKey() throws Exception {
        PGPPublicKeyRing ring = TestKeyRings.build("Single <single@example.org>", MONTH_AGO, SIGN_ONLY | ENCRYPT);
        Path file = dir.resolve("single.asc");
        TestKeyRings.writeArmored(file, ring);

        PgpRecipients recipients = PgpRecipients.load(file);

        assertThat(recipients.encryptionKeys()).singleElement().matches(PGPPublicKey::isMasterKey);
    }

    @Test
    void listsAreImmutable() throws Exception {
        Path file = dir.resolve("bob.asc");
        TestKeyRings.writeArmored(file, bob);
        PgpRecipients recipients = PgpRecipients.load(file);

        assertThatThrownBy(() -> recipients.fingerprints().add("X")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> recipients.encryptionKeys().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(recipients.toString()).contains("Bob <bob@example.org>");
        assertThat(Files.readString(file, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----");
    }

    private static PGPPublicKey encryptionSubkey(PGPPublicKeyRing ring) {
        for (PGPPublicKey key : ring) {
            if (!key.isMasterKey()) {
                return key;
            }
        }
        throw new AssertionError("no subkey");
    }

    private static PGPPublicKey subkeyCreatedAt(PGPPublicKeyRing ring, Date created) {
        for (PGPPublicKey key : ring) {
            if (!key.isMasterKey() && key.getCreationTime().equals(created)) {
                return key;
            }
        }
        throw new AssertionError("no subkey created at " + created);
    }
}
