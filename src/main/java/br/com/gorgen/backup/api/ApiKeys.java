package br.com.gorgen.backup.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import br.com.gorgen.backup.support.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys, stored as SHA-256 hashes only: one per line, {@code <role> <sha256 hex of the key> <name>}; blank lines
 * and lines starting with # are ignored. The file is re-read when it changes, so keys can be added or revoked
 * without a restart. A missing file means no key is valid (every call gets 401).
 */
public class ApiKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

    /** Who holds a key. */
    public record Caller(String name, Role role) {
    }

    /** admin can read and trigger; master can do everything admin can, plus restore, download and delete. */
    public enum Role {
        ADMIN, MASTER;

        public boolean covers(Role needed) {
            return this == MASTER || needed == ADMIN;
        }
    }

    private final Path file;
    private volatile FileTime loadedAt;
    private volatile Map<String, Caller> byHash = Map.of();

    public ApiKeys(Path file) {
        this.file = file;
    }

    public Optional<Caller> lookup(String presentedKey) {
        reloadIfChanged();
        return Optional.ofNullable(byHash.get(sha256Hex(presentedKey)));
    }

    public static String sha256Hex(String key) {
        return Sha256.of(key.getBytes(StandardCharsets.UTF_8));
    }

    private synchronized void reloadIfChanged() {
        try {
            if (!Files.exists(file)) {
                if (loadedAt != null || byHash.isEmpty()) {
                    LOG.warn("API keys file {} does not exist: every API call will be refused (401)", file.toAbsolutePath());
                }
                byHash = Map.of();
                loadedAt = null;
                return;
            }
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(loadedAt)) {
                return;
            }
            byHash = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            loadedAt = modified;
            LOG.info("Loaded {} API key(s) from {}", byHash.size(), file.toAbsolutePath());
        } catch (IOException e) {
            LOG.error("Cannot read API keys file {}: {}", file.toAbsolutePath(), e.getMessage());
        }
    }

    static Map<String, Caller> parse(List<String> lines) {
        Map<String, Caller> out = new HashMap<>();
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 3);
            if (parts.length < 3 || !parts[1].matches("[0-9a-fA-F]{64}")) {
                LOG.warn("API keys file, line {}: expected '<role> <sha256 hex> <name>', line ignored", lineNo);
                continue;
            }
            Role role;
            try {
                role = Role.valueOf(parts[0].toUpperCase());
            } catch (IllegalArgumentException e) {
                LOG.warn("API keys file, line {}: unknown role '{}' (admin or master), line ignored", lineNo, parts[0]);
                continue;
            }
            out.put(parts[1].toLowerCase(), new Caller(parts[2], role));
        }
        return Map.copyOf(out);
    }
}
