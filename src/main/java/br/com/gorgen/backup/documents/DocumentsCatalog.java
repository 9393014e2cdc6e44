package br.com.gorgen.backup.documents;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import br.com.gorgen.backup.catalog.SchemaMigrator;
import br.com.gorgen.backup.support.Sha256;

/**
 * The catalog's side of documents backups: the newest snapshot's state (what every object looked like, to see what
 * changed without the private key) and the index of stored content (to store each content once).
 */
public class DocumentsCatalog {
    /** A stored content object: the plaintext SHA-256 that names it, and what is stored. */
    public record Content(String sha256, long size, String storedSha256, long storedSize, String objectKey) {
    }

    private final DataSource dataSource;
    private final SchemaMigrator migrator;
    private final int tenantId;

    public DocumentsCatalog(DataSource dataSource, SchemaMigrator migrator, int tenantId) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.tenantId = tenantId;
    }

    public Map<String, DocumentEntry> state() throws SQLException {
        migrator.ensureMigrated();
        Map<String, DocumentEntry> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT doc_key, size_bytes, etag, last_modified, sha256 "
                        + "FROM documents_state WHERE tenant_id = ?")) {
            ps.setInt(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp t = rs.getTimestamp(4);
                    out.put(rs.getString(1), new DocumentEntry(rs.getString(1), rs.getLong(2), rs.getString(3),
                            t == null ? null : t.toInstant(), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** Whether the content index knows any stored content (false: new, or lost with the catalog). */
    public boolean hasContents() throws SQLException {
        migrator.ensureMigrated();
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM documents_content WHERE tenant_id = ? "
                        + "LIMIT 1")) {
            ps.setInt(1, tenantId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Every stored object (a content stored alone, or a pack) with its stored size, each once. */
    public Map<String, Long> storedObjects() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Content c : contents().values()) {
            out.putIfAbsent(c.objectKey(), c.storedSize());
        }
        return out;
    }

    public Map<String, Content> contents() throws SQLException {
        migrator.ensureMigrated();
        Map<String, Content> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT sha256, size_bytes, stored_sha256, stored_size_bytes, "
                        + "object_key FROM documents_content WHERE tenant_id = ?")) {
            ps.setInt(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Content(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** Adds stored contents to the index, in one transaction (a backup adds them in batches, not one by one). */
    public void addContents(List<Content> contents, long backupId) throws SQLException {
        if (contents.isEmpty()) {
            return;
        }
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO documents_content (tenant_id, sha256, size_bytes, "
                    + "stored_sha256, stored_size_bytes, object_key, first_backup_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    + "ON DUPLICATE KEY UPDATE stored_sha256 = VALUES(stored_sha256), "
                    + "stored_size_bytes = VALUES(stored_size_bytes)")) {
                for (Content content : contents) {
                    ps.setInt(1, tenantId);
                    ps.setString(2, content.sha256());
                    ps.setLong(3, content.size());
                    ps.setString(4, content.storedSha256());
                    ps.setLong(5, content.storedSize());
                    ps.setString(6, content.objectKey());
                    ps.setLong(7, backupId);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /**
     * Forgets every content stored in these objects (retention removes them next): a later backup that meets such a
     * content again stores it anew. Returns how many contents were forgotten.
     */
    public int forgetObjects(java.util.Collection<String> objectKeys) throws SQLException {
        migrator.ensureMigrated();
        int forgotten = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM documents_content WHERE tenant_id = ? AND object_key = ?")) {
            for (String key : objectKeys) {
                ps.setInt(1, tenantId);
                ps.setString(2, key);
                forgotten += ps.executeUpdate();
            }
        }
        return forgotten;
    }

    /** Replaces the state with a new snapshot's entries, in one transaction. */
    public void replaceState(List<DocumentEntry> entries, long backupId) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM documents_state WHERE tenant_id = ?")) {
                del.setInt(1, tenantId);
                del.executeUpdate();
            }
            insertState(c, entries, backupId, "");
        });
    }

    /**
     * Brings the state to a new snapshot by its differences, in one transaction: the keys no longer there are
     * removed, the entries new or different are written (rows left alone keep the id of the backup that wrote them).
     */
    public void updateState(java.util.Collection<String> removedKeys, List<DocumentEntry> changed, long backupId)
            throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM documents_state WHERE tenant_id = ? AND key_sha256 = ?")) {
                for (String key : removedKeys) {
                    del.setInt(1, tenantId);
                    del.setString(2, keyHash(key));
                    del.addBatch();
                }
                del.executeBatch();
            }
            insertState(c, changed, backupId, " ON DUPLICATE KEY UPDATE doc_key = VALUES(doc_key), "
                    + "size_bytes = VALUES(size_bytes), etag = VALUES(etag), last_modified = VALUES(last_modified), "
                    + "sha256 = VALUES(sha256), backup_id = VALUES(backup_id)");
        });
    }

    private void insertState(Connection c, List<DocumentEntry> entries, long backupId, String onDuplicate)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO documents_state (tenant_id, key_sha256, doc_key, "
                + "size_bytes, etag, last_modified, sha256, backup_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" + onDuplicate)) {
            int n = 0;
            for (DocumentEntry e : entries) {
                ps.setInt(1, tenantId);
                ps.setString(2, keyHash(e.key()));
                ps.setString(3, e.key());
                ps.setLong(4, e.size());
                ps.setString(5, e.etag());
                ps.setTimestamp(6, e.lastModified() == null ? null : Timestamp.from(e.lastModified()));
                ps.setString(7, e.sha256());
                ps.setLong(8, backupId);
                ps.addBatch();
                if (++n % 500 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static String keyHash(String key) {
        return Sha256.of(key.getBytes(StandardCharsets.UTF_8));
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(Work work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
