package br.com.gorgen.backup.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * Reads OpenPGP key rings from a key file.
 *
 * <p>The file may be binary (concatenated OpenPGP packets) or ASCII-armored; an armored file may
 * hold several armor blocks (e.g. two {@code gpg --export --armor} outputs concatenated), and
 * text around the blocks is ignored. Every problem is reported as an
 * {@link IllegalArgumentException} naming the file.
 */
final class PgpKeyFiles {

    /** Key files are small; refuse anything larger than this instead of reading it into memory. */
    private static final long MAX_KEY_FILE_BYTES = 16L * 1024 * 1024;

    private static final Pattern ARMOR_BLOCK = Pattern.compile(
            "-----BEGIN PGP [A-Z ]+-----.*?-----END PGP [A-Z ]+-----", Pattern.DOTALL);

    private PgpKeyFiles() {
    }

    /**
     * Returns all key rings in the file, in file order: {@link PGPPublicKeyRing} and
     * {@link PGPSecretKeyRing} instances.
     *
     * @throws IllegalArgumentException if the file is missing, unreadable, not OpenPGP key
     *     material, or contains no key at all
     */
    static List<Object> readKeyRings(Path file) {
        byte[] content = readFile(file);
        boolean binary = isBinaryOpenPgp(content);
        List<byte[]> chunks = binary ? List.of(content) : armorBlocks(content);
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("not an OpenPGP key file (neither ASCII-armored "
                    + "nor binary OpenPGP data): " + file);
        }
        List<Object> objects = new ArrayList<>();
        try {
            for (byte[] chunk : chunks) {
                InputStream in = new ByteArrayInputStream(chunk);
                parse(binary ? in : new ArmoredInputStream(in), objects);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot parse OpenPGP key file " + file
                    + " (corrupt or not a key file): " + e.getMessage(), e);
        }
        List<Object> rings = new ArrayList<>();
        for (Object object : objects) {
            if (object instanceof PGPPublicKeyRing || object instanceof PGPSecretKeyRing) {
                rings.add(object);
            } else if (!(object instanceof PGPMarker)) {
                throw new IllegalArgumentException("unexpected OpenPGP data in key file " + file + ": "
                        + object.getClass().getSimpleName() + " (expected public or secret keys only)");
            }
        }
        if (rings.isEmpty()) {
            throw new IllegalArgumentException("no OpenPGP key found in " + file);
        }
        return rings;
    }

    private static byte[] readFile(Path file) {
        try {
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new IllegalArgumentException("key file " + file + " is larger than "
                        + MAX_KEY_FILE_BYTES + " bytes; this is not an OpenPGP key file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("key file not found: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + file + ": " + e, e);
        }
    }

    /** Binary OpenPGP data always starts with a packet tag byte, which has its high bit set. */
    private static boolean isBinaryOpenPgp(byte[] content) {
        return content.length > 0 && (content[0] & 0x80) != 0;
    }

    private static List<byte[]> armorBlocks(byte[] content) {
        Matcher blocks = ARMOR_BLOCK.matcher(new String(content, StandardCharsets.ISO_8859_1));
        List<byte[]> result = new ArrayList<>();
        while (blocks.find()) {
            result.add(blocks.group().getBytes(StandardCharsets.ISO_8859_1));
        }
        return result;
    }

    private static void parse(InputStream in, List<Object> objects) throws IOException {
        BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
        Object next;
        while ((next = factory.nextObject()) != null) {
            objects.add(next);
        }
    }
}
