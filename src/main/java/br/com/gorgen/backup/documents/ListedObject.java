package br.com.gorgen.backup.documents;

import java.time.Instant;

/** An object as the source bucket's listing reports it (key relative to the configured prefix). */
public record ListedObject(String key, long size, String etag, Instant lastModified) {
}
