package br.com.gorgen.backup.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/** Reads the append-only audit log (rows are written by the audit-record route). */
public class AuditTrail {
    private final DataSource dataSource;
    private final SchemaMigrator migrator;
    private final int tenantId;

    public AuditTrail(DataSource dataSource, SchemaMigrator migrator, int tenantId) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.tenantId = tenantId;
    }

    /** Newest first. */
    public List<Map<String, Object>> latest(int limit) throws SQLException {
        migrator.ensureMigrated();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, occurred_at, actor, actor_role, action, target, outcome, "
                        + "details FROM backup_audit_log WHERE tenant_id = ? ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, tenantId);
            ps.setInt(2, limit);
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getLong("id"));
                    m.put("occurredAt", rs.getTimestamp("occurred_at").toInstant().toString());
                    m.put("actor", rs.getString("actor"));
                    m.put("role", rs.getString("actor_role"));
                    m.put("action", rs.getString("action"));
                    m.put("target", rs.getString("target"));
                    m.put("outcome", rs.getString("outcome"));
                    m.put("details", rs.getString("details"));
                    out.add(m);
                }
            }
            return out;
        }
    }
}
