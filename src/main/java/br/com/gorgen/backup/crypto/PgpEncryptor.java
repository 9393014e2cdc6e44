package br.com.gorgen.backup.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;

import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * Streams data into an OpenPGP message encrypted to every key of a {@link PgpRecipients}.
 *
 * <p>Message layout: one public-key encrypted session key packet per recipient, then a
 * symmetrically encrypted integrity protected data packet (SEIPD v1 with MDC, AES-256) holding a
 * single binary literal data packet. There is deliberately no compression packet: the payload is
 * already compressed. Packets use partial body lengths with a 64 KiB buffer, so any amount of
 * data is encrypted with constant memory. The result decrypts with a plain {@code gpg --decrypt}.
 *
 * <p>Instances are immutable and thread-safe; every returned stream is independent.
 */
public final class PgpEncryptor {

    /** Partial-packet buffer; must be a power of two (OpenPGP partial body lengths). */
    private static final int BUFFER_SIZE = 1 << 16;
    private static final int MAX_FILE_NAME_BYTES = 255;

    private final PgpRecipients recipients;
    private final SecureRandom random;
    private final Clock clock;

    /** Encrypts to {@code recipients} using a fresh {@link SecureRandom} and the system clock. */
    public PgpEncryptor(PgpRecipients recipients) {
        this(recipients, new SecureRandom(), Clock.systemUTC());
    }

    /**
     * Encrypts to {@code recipients} with explicit sources of randomness and time.
     *
     * @param random source of session keys and padding
     * @param clock supplies the modification date stored in the literal data packet
     */
    public PgpEncryptor(PgpRecipients recipients, SecureRandom random, Clock clock) {
        this.recipients = Objects.requireNonNull(recipients, "recipients");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (recipients.encryptionKeys().isEmpty()) {
            throw new IllegalArgumentException("no recipients to encrypt to");
        }
    }

    /**
     * Returns a stream that encrypts everything written to it into {@code target}.
     *
     * <p>Closing the returned stream writes the final packets (including the MDC) <b>and then
     * closes {@code target}</b>. The output is only a valid OpenPGP message after that close.
     * The returned stream is not thread-safe.
     *
     * @param target where the OpenPGP message is written; closed when the returned stream is
     * @param literalFileName file name recorded in the literal data packet (at most 255 bytes
     *     in UTF-8); {@code gpg --decrypt --use-embedded-filename} would use it
     * @throws IOException if writing the packet headers to {@code target} fails; {@code target}
     *     is then left open
     */
    public OutputStream encryptingStream(OutputStream target, String literalFileName) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(literalFileName, "literalFileName");
        if (literalFileName.getBytes(StandardCharsets.UTF_8).length > MAX_FILE_NAME_BYTES) {
            throw new IllegalArgumentException("literal file name longer than " + MAX_FILE_NAME_BYTES
                    + " bytes: " + literalFileName);
        }
        // the JCA's AES (hardware-accelerated where the CPU has AES instructions) runs several times faster than
        // BouncyCastle's pure-Java engine; the packets written are the same
        PGPEncryptedDataGenerator encryptedGenerator = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(random));
        for (PGPPublicKey key : recipients.encryptionKeys()) {
            encryptedGenerator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(key).setSecureRandom(random));
        }
        OutputStream encrypted;
        try {
            encrypted = encryptedGenerator.open(target, new byte[BUFFER_SIZE]);
        } catch (PGPException e) {
            throw new IOException("cannot start OpenPGP encryption to " + recipients + ": " + e.getMessage(), e);
        }
        PGPLiteralDataGenerator literalGenerator = new PGPLiteralDataGenerator();
        // OpenPGP stores whole seconds; truncate so the value round-trips exactly.
        Date modified = new Date(clock.millis() / 1000 * 1000);
        OutputStream literal = literalGenerator.open(
                encrypted, PGPLiteralData.BINARY, literalFileName, modified, new byte[BUFFER_SIZE]);
        return new EncryptingOutputStream(literal, literalGenerator, encryptedGenerator, target);
    }

    /** Writes into the literal data packet; close finishes the packets from inside out. */
    private static final class EncryptingOutputStream extends OutputStream {

        private final OutputStream literal;
        private final PGPLiteralDataGenerator literalGenerator;
        private final PGPEncryptedDataGenerator encryptedGenerator;
        private final OutputStream target;
        private boolean closed;

        EncryptingOutputStream(OutputStream literal, PGPLiteralDataGenerator literalGenerator,
                PGPEncryptedDataGenerator encryptedGenerator, OutputStream target) {
            this.literal = literal;
            this.literalGenerator = literalGenerator;
            this.encryptedGenerator = encryptedGenerator;
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            literal.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            literal.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            ensureOpen();
            literal.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try (target) {
                try {
                    literalGenerator.close();
                } finally {
                    encryptedGenerator.close();
                }
            }
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("encrypting stream is closed");
            }
        }
    }
}
