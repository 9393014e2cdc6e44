package br.com.gorgen.backup.documents;

import java.time.Instant;

/**
 * One object of the documents bucket as a snapshot records it: its key (relative to the configured prefix), size,
 * ETag and last-modified time as the source reported them, and the SHA-256 of its content (which names the stored,
 * encrypted copy).
 */
public record DocumentEntry(String key, long size, String etag, Instant lastModified, String sha256) {

    /** True when the source reports the same object again (same size, ETag and last-modified time). */
    public boolean sameAs(ListedObject listed) {
        return size == listed.size() && etag != null && etag.equals(listed.etag())
                && lastModified != null && lastModified.equals(listed.lastModified());
    }
}
