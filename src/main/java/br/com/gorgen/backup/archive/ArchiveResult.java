package br.com.gorgen.backup.archive;

import java.nio.file.Path;

/** What the archiver wrote: the encrypted file and the sizes and SHA-256 of both the plaintext and stored bytes. */
public record ArchiveResult(Path file, long plainBytes, String plainSha256, long storedBytes, String storedSha256) {
}
