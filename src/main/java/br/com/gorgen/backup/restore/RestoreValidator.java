package br.com.gorgen.backup.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.settings.DatabaseUrl;

import static br.com.gorgen.backup.settings.DatabaseUrl.quote;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks a restored database against its backup's manifest: every table exists with the manifest's row count, every
 * view, routine, trigger and event exists, and no foreign key points nowhere. The result is kept on the exchange;
 * differences make the restore fail (the database stays for inspection).
 */
public class RestoreValidator implements Processor {
    /** What was checked and what differs; {@code status} is verified or failed. */
    /**
     * What was checked and what differs; {@code status} is verified or failed. {@code notes}: what the restore did
     * that its reader should know (definers kept or replaced, where production's previous tables are kept).
     */
    public record Validation(String status, int tablesChecked, long rowsChecked, List<String> differences,
            Map<String, Long> rowCounts, List<String> notes) {
        public Validation(String status, int tablesChecked, long rowsChecked, List<String> differences,
                Map<String, Long> rowCounts) {
            this(status, tablesChecked, rowsChecked, differences, rowCounts, List.of());
        }

        public Validation {
            notes = notes == null ? List.of() : List.copyOf(notes);
        }

        public Validation withNotes(List<String> more) {
            List<String> all = new ArrayList<>(notes);
            more.stream().filter(n -> !all.contains(n)).forEach(all::add);
            return new Validation(status, tablesChecked, rowsChecked, differences, rowCounts, all);
        }
    }

    /** The row count of each of {@code tables} in {@code schema} (null for a table that is missing). */
    public Map<String, Long> rowCounts(String schema, java.util.Collection<String> tables) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = server.connect(schema)) {
            List<String> present = names(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                    + "AND TABLE_TYPE = 'BASE TABLE'", schema);
            for (String t : tables) {
                out.put(t, present.contains(t) ? count(c, "SELECT COUNT(*) FROM " + quote(t)) : null);
            }
        }
        return out;
    }

    private final DatabaseUrl server;

    public RestoreValidator(DatabaseUrl server) {
        this.server = server;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String target = exchange.getIn().getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        BackupManifest manifest = exchange.getProperty(RestoreHeaders.PROP_MANIFEST, BackupManifest.class);
        @SuppressWarnings("unchecked")
        List<String> notes = exchange.getProperty(RestoreHeaders.PROP_NOTES, List.of(), List.class);
        Validation v = validate(target, manifest).withNotes(notes);
        exchange.setProperty(RestoreHeaders.PROP_VALIDATION, v);
        if (!v.differences().isEmpty()) {
            throw new RestoreFailedException("restored database " + target + " differs from backup "
                    + manifest.backupId() + ": " + String.join("; ", v.differences()));
        }
    }

    /**
     * After binary logs were replayed over a restored full backup: the row counts are those of the point in time (no
     * manifest has them), so they are recorded, not compared; tables, schema objects and foreign keys are checked.
     */
    public void validateAfterReplay(Exchange exchange) throws Exception {
        String target = exchange.getIn().getHeader(RestoreHeaders.TARGET_DATABASE, String.class);
        BackupManifest manifest = exchange.getProperty(RestoreHeaders.PROP_MANIFEST, BackupManifest.class);
        @SuppressWarnings("unchecked")
        List<String> notes = exchange.getProperty(RestoreHeaders.PROP_NOTES, List.of(), List.class);
        Validation v = validateStructure(target, manifest).withNotes(notes);
        exchange.setProperty(RestoreHeaders.PROP_VALIDATION, v);
        if (!v.differences().isEmpty()) {
            throw new RestoreFailedException("database " + target + " after the binary-log replay is not consistent: "
                    + String.join("; ", v.differences()));
        }
    }

    public Validation validate(String target, BackupManifest manifest) throws SQLException {
        return validate(target, manifest, true);
    }

    /** Tables, schema objects and foreign keys of the manifest; row counts recorded, not compared. */
    public Validation validateStructure(String target, BackupManifest manifest) throws SQLException {
        return validate(target, manifest, false);
    }

    private Validation validate(String target, BackupManifest manifest, boolean compareCounts) throws SQLException {
        List<String> differences = new ArrayList<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        long rows = 0;
        try (Connection c = server.connect(target)) {
            List<String> tables = names(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                    + "AND TABLE_TYPE = 'BASE TABLE'", target);
            for (BackupManifest.TableCount t : manifest.tables()) {
                if (!tables.contains(t.name())) {
                    differences.add("table " + t.name() + " is missing");
                    continue;
                }
                long actual = count(c, "SELECT COUNT(*) FROM " + quote(t.name()));
                counts.put(t.name(), actual);
                rows += actual;
                if (compareCounts && actual != t.rows()) {
                    differences.add("table " + t.name() + " has " + actual + " rows, the backup has " + t.rows());
                }
            }
            BackupManifest.SchemaObjects expected = manifest.objects();
            missing(differences, "view", expected.views(), names(c, "SELECT TABLE_NAME FROM information_schema.TABLES "
                    + "WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'VIEW'", target));
            missing(differences, "routine", expected.routines(), names(c, "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) "
                    + "FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?", target));
            missing(differences, "trigger", expected.triggers(), names(c, "SELECT TRIGGER_NAME FROM "
                    + "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?", target));
            missing(differences, "event", expected.events(), names(c, "SELECT EVENT_NAME FROM information_schema.EVENTS "
                    + "WHERE EVENT_SCHEMA = ?", target));
            differences.addAll(orphans(c, target));
        }
        return new Validation(differences.isEmpty() ? "verified" : "failed", counts.size(), rows, differences, counts);
    }

    private static void missing(List<String> differences, String kind, List<String> expected, List<String> actual) {
        for (String name : expected == null ? List.<String>of() : expected) {
            if (!actual.contains(name)) {
                differences.add(kind + " " + name + " is missing");
            }
        }
    }

    /** Foreign keys whose child rows point to no parent row (the dump loads with FOREIGN_KEY_CHECKS=0). */
    private static List<String> orphans(Connection c, String schema) throws SQLException {
        Map<String, List<String[]>> fks = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CONSTRAINT_NAME, TABLE_NAME, COLUMN_NAME, "
                + "REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
                + "WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fks.computeIfAbsent(rs.getString(2) + "." + rs.getString(1), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> fk : fks.entrySet()) {
            List<String[]> cols = fk.getValue();
            String child = quote(cols.get(0)[0]);
            String parent = quote(cols.get(0)[2]);
            StringBuilder on = new StringBuilder();
            StringBuilder notNull = new StringBuilder();
            for (String[] col : cols) {
                on.append(on.length() == 0 ? "" : " AND ").append("p.").append(quote(col[3])).append(" = c.").append(quote(col[1]));
                notNull.append(" AND c.").append(quote(col[1])).append(" IS NOT NULL");
            }
            long orphans = count(c, "SELECT COUNT(*) FROM " + child + " c LEFT JOIN " + parent + " p ON " + on
                    + " WHERE p." + quote(cols.get(0)[3]) + " IS NULL" + notNull);
            if (orphans > 0) {
                out.add("foreign key " + fk.getKey() + ": " + orphans + " row(s) point to no " + cols.get(0)[2] + " row");
            }
        }
        return out;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> names(Connection c, String sql, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
