package br.com.gorgen.backup.archive;

import java.nio.file.Path;

/**
 * What the archiver wrote: the encrypted file, the sizes and SHA-256 of both the plaintext and stored bytes, and the
 * ETag an S3 server should report for the stored bytes ({@link br.com.gorgen.backup.storage.S3Etag}; null when the
 * archiver computes none).
 */
public record ArchiveResult(Path file, long plainBytes, String plainSha256, long storedBytes, String storedSha256,
        String expectedEtag) {
}
