package br.com.gorgen.backup.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static br.com.gorgen.backup.settings.DatabaseUrl.quote;

/**
 * The objects of a schema that are not tables (views, procedures, functions, triggers, events), as the server
 * defines them: read with {@code SHOW CREATE} together with the SQL mode, character set and collation they were
 * created under, dropped, and created again in another schema exactly so. Tables move between schemas with
 * {@code RENAME TABLE}; these cannot (a view or a table with triggers refuses to change schema), so a switch of
 * production reads them from one schema and creates them in the other.
 */
public final class SchemaObjects {
    private SchemaObjects() {
    }

    /** One object: its kind ({@code VIEW}, {@code PROCEDURE}, {@code FUNCTION}, {@code TRIGGER}, {@code EVENT}). */
    public record SchemaObject(String kind, String name, String sqlMode, String characterSet, String collation,
            String timeZone, String ddl) {
        public String describe() {
            return kind.toLowerCase() + " " + name;
        }
    }

    /**
     * Every view, routine, trigger and event of {@code schema} (views first), but the triggers of the tables in
     * {@code notOf} (the service's own tables stay where they are, with their triggers).
     */
    public static List<SchemaObject> read(Connection c, String schema, java.util.Collection<String> notOf)
            throws SQLException {
        List<SchemaObject> out = new ArrayList<>();
        for (String view : names(c, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY 1",
                schema)) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SHOW CREATE VIEW " + quote(schema) + "." + quote(view))) {
                rs.next();
                out.add(new SchemaObject("VIEW", view, null, rs.getString(3), rs.getString(4), null, rs.getString(2)));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES "
                + "WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME")) {
            ps.setString(1, schema);
            List<String[]> routines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    routines.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] r : routines) {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SHOW CREATE " + r[0] + " " + quote(schema) + "." + quote(r[1]))) {
                    rs.next();
                    out.add(new SchemaObject(r[0], r[1], rs.getString(2), rs.getString(4), rs.getString(5), null,
                            rs.getString(3)));
                }
            }
        }
        List<String> triggers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM "
                + "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!notOf.contains(rs.getString(2))) {
                        triggers.add(rs.getString(1));
                    }
                }
            }
        }
        for (String trigger : triggers) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SHOW CREATE TRIGGER " + quote(schema) + "." + quote(trigger))) {
                rs.next();
                out.add(new SchemaObject("TRIGGER", trigger, rs.getString(2), rs.getString(4), rs.getString(5), null,
                        rs.getString(3)));
            }
        }
        for (String event : names(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY 1",
                schema)) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SHOW CREATE EVENT " + quote(schema) + "." + quote(event))) {
                rs.next();
                out.add(new SchemaObject("EVENT", event, rs.getString(2), rs.getString(5), rs.getString(6),
                        rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    /** Drops the given kinds of object of {@code schema} (all when {@code kinds} is empty). */
    public static void drop(Connection c, String schema, List<SchemaObject> objects, List<String> kinds)
            throws SQLException {
        try (Statement st = c.createStatement()) {
            for (SchemaObject o : objects) {
                if (kinds.isEmpty() || kinds.contains(o.kind())) {
                    st.execute("DROP " + o.kind() + " IF EXISTS " + quote(schema) + "." + quote(o.name()));
                }
            }
        }
    }

    /**
     * Creates the objects in the schema {@code c} is connected to, each under its own SQL mode, character set and
     * time zone; references qualified with {@code fromSchema} (a view's definition names its schema) lose the
     * qualifier. A view that depends on one not created yet is tried again after the others.
     *
     * @return per object that could not keep its definer, what was done (empty: every definer kept)
     */
    public static List<String> create(Connection c, List<SchemaObject> objects, String fromSchema) throws SQLException {
        List<String> notes = new ArrayList<>();
        List<SchemaObject> pending = new ArrayList<>(objects);
        while (!pending.isEmpty()) {
            List<SchemaObject> later = new ArrayList<>();
            SQLException last = null;
            for (SchemaObject o : pending) {
                try {
                    createOne(c, o, fromSchema, notes);
                } catch (SQLException e) {
                    if (!"VIEW".equals(o.kind())) {
                        throw new SQLException("cannot create " + o.describe() + ": " + e.getMessage(), e.getSQLState(),
                                e.getErrorCode(), e);
                    }
                    later.add(o);
                    last = e;
                }
            }
            if (later.size() == pending.size()) {
                throw new SQLException("cannot create " + later.get(0).describe() + ": " + last.getMessage(),
                        last.getSQLState(), last.getErrorCode(), last);
            }
            pending = later;
        }
        return notes;
    }

    private static void createOne(Connection c, SchemaObject o, String fromSchema, List<String> notes)
            throws SQLException {
        if (o.ddl() == null) {
            throw new SQLException("the definition of " + o.describe() + " cannot be read by this account (it needs "
                    + "to be its definer, or to have SELECT on mysql.proc / SHOW CREATE ROUTINE)");
        }
        String ddl = fromSchema == null ? o.ddl() : o.ddl().replace(quote(fromSchema) + ".", "");
        try (Statement st = c.createStatement()) {
            if (o.sqlMode() != null) {
                try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?")) {
                    ps.setString(1, o.sqlMode());
                    ps.execute();
                }
            }
            if (o.timeZone() != null) {
                try (PreparedStatement ps = c.prepareStatement("SET SESSION time_zone = ?")) {
                    ps.setString(1, o.timeZone());
                    ps.execute();
                }
            }
            if (o.characterSet() != null) {
                st.execute("SET NAMES " + o.characterSet() + (o.collation() == null ? "" : " COLLATE " + o.collation()));
            }
            try {
                st.execute(ddl);
            } catch (SQLException e) {
                // ER_SPECIFIC_ACCESS_DENIED / ER_ACCESS_DENIED: the definer is another account and this one may not
                // set it (no SET USER): created as this account instead, and said so
                if ((e.getErrorCode() == 1227 || e.getErrorCode() == 1044) && ddl.contains("DEFINER=")) {
                    st.execute(RestoreRewriter.currentUserDefiner(ddl));
                    notes.add(o.describe() + ": definer replaced by the restoring account (" + e.getMessage() + ")");
                } else {
                    throw e;
                }
            } finally {
                st.execute("SET NAMES utf8mb4");
                st.execute("SET SESSION sql_mode = DEFAULT");
                st.execute("SET SESSION time_zone = DEFAULT");
            }
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
