package br.com.gorgen.backup.dump;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.nio.ByteBuffer;

/**
 * The stderr of a child process, redirected to a private temporary file so that it never accumulates in memory;
 * only its first {@value #HEAD_BYTES} bytes are ever read back.
 */
final class StderrCapture {

    /** How much of stderr is kept for messages. */
    static final int HEAD_BYTES = 8192;
    /** How many lines of stderr go into a failure message. */
    static final int MESSAGE_LINES = 5;

    private final Path file;

    private StderrCapture(Path file) {
        this.file = file;
    }

    /** Creates the (empty, mode 600) capture file in {@code directory}. */
    static StderrCapture create(Path directory, String prefix) throws IOException {
        Path file = Files.createTempFile(directory, prefix, ".stderr",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return new StderrCapture(file);
    }

    Path file() {
        return file;
    }

    /** The first {@value #HEAD_BYTES} bytes of the file as text, with a marker if there was more. */
    String readHead() {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(HEAD_BYTES);
            boolean more = in.read() != -1;
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(head)).toString();
            return more ? text + "\n[... further error output truncated]" : text;
        } catch (IOException e) {
            return "(error output unavailable: " + e.getMessage() + ")";
        }
    }

    /** Deletes the file, ignoring failures (it lives in a temporary directory). */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }

    /** The first {@value #MESSAGE_LINES} non-blank lines of {@code text}, joined by {@code " | "}. */
    static String firstLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
                if (lines.size() == MESSAGE_LINES) {
                    break;
                }
            }
        }
        return String.join(" | ", lines);
    }
}
