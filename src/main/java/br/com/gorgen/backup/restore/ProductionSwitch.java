package br.com.gorgen.backup.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import br.com.gorgen.backup.restore.SchemaObjects.SchemaObject;
import br.com.gorgen.backup.restore.SwitchJournal.Entry;
import br.com.gorgen.backup.restore.SwitchJournal.Phase;
import br.com.gorgen.backup.settings.DatabaseUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static br.com.gorgen.backup.settings.DatabaseUrl.quote;

/**
 * Switches production to a restored, validated copy that waits in a staging schema on the same server, without
 * reading the backup again, and can always go back:
 * <ol>
 * <li>the views, routines, triggers and events of both schemas and their table lists are written to the journal;</li>
 * <li>production's objects and the staging schema's views and triggers are dropped (a view or a table with a
 * trigger cannot change schema);</li>
 * <li>one {@code RENAME TABLE} moves every production table (not the service's own) into
 * {@code <db>_before_restore_<time>} and every staging table into production, at once (all or none);</li>
 * <li>the restored objects are created in production exactly as the backup defines them.</li>
 * </ol>
 * Any failure from step 2 on is rolled back ({@link #rollBack}): the restored tables go back to the staging schema,
 * the previous ones back into production, and production's own objects are created again from the journal. The same
 * is done at the next start for a switch a stop interrupted. After a switch, the previous tables stay in their
 * schema until an operator confirms or the keep time passes ({@link #dropExpired}).
 */
public class ProductionSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(ProductionSwitch.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final DatabaseUrl production;
    private final SwitchJournal journal;
    private final List<String> ownTables;
    private final Clock clock;
    private final Duration keepPrevious;
    private volatile StepListener steps = step -> { };

    /** Told after each step of a switch (tests stop a switch there, as a crash would). */
    @FunctionalInterface
    public interface StepListener {
        void after(String step);
    }

    /** For tests: what to do after each step ({@code prepared}, {@code dropped}, {@code renamed}, {@code created}). */
    public void onStep(StepListener listener) {
        this.steps = listener;
    }

    public ProductionSwitch(DatabaseUrl production, SwitchJournal journal, List<String> ownTables, Clock clock,
            Duration keepPrevious) {
        this.production = production;
        this.journal = journal;
        this.ownTables = ownTables;
        this.clock = clock;
        this.keepPrevious = keepPrevious;
    }

    public DatabaseUrl production() {
        return production;
    }

    public SwitchJournal journal() {
        return journal;
    }

    /** Where production's tables go when a restore started at {@code at} replaces them. */
    public String previousSchema(Instant at) {
        return clip(production.database(), 32) + "_before_restore_" + STAMP.format(at).toLowerCase();
    }

    /** The staging schema on the production server for a copy made from another server. */
    public String stagingSchema(long restoreId) {
        return clip(production.database(), 40) + "_restoring_" + restoreId;
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** Whether {@code other} reaches this very server (same host name, port and data directory). */
    public boolean sameServer(DatabaseUrl other) throws SQLException {
        return identity(production).equals(identity(other));
    }

    private static String identity(DatabaseUrl url) throws SQLException {
        try (Connection c = url.connect(null); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT CONCAT(@@hostname, ':', @@port, ':', @@datadir)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Turns the server read-only for the switch, unless it is already (then it is left as it is). The journal says
     * so first: a stop after this point turns it back at the next start.
     */
    public void makeReadOnly(long restoreId) throws SQLException, RestoreRefusedException {
        try (Connection c = production.connect(null); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT @@GLOBAL.read_only")) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    return;
                }
            }
            journal.readOnlySet(restoreId, true);
            try {
                st.execute("SET GLOBAL read_only = 1");
            } catch (SQLException e) {
                journal.readOnlySet(restoreId, false);
                throw new RestoreRefusedException("\"readOnly\" needs the READ_ONLY ADMIN privilege (MariaDB; SUPER on "
                        + "MySQL) for " + production.user() + " to keep the application's writes out during the "
                        + "switch (" + e.getMessage() + "): grant it, or stop the application and ask again with "
                        + "\"readOnly\": false. Production was not touched");
            }
        }
        LOG.warn("Restore {}: the production server is read-only until the switch ends", restoreId);
    }

    private void releaseReadOnly(Entry e) {
        if (!e.readOnlySet()) {
            return;
        }
        try {
            production.execute("SET GLOBAL read_only = 0");
            journal.readOnlySet(e.restoreId(), false);
            LOG.info("Restore {}: the production server is writable again", e.restoreId());
        } catch (SQLException x) {
            LOG.error("Restore {}: the production server could not be made writable again ({}); run SET GLOBAL "
                    + "read_only = 0 on it", e.restoreId(), x.getMessage());
        }
    }

    /** What a switch did: the schema keeping the previous tables, until when, and definers that changed. */
    public record Switched(String previousSchema, Instant keepUntil, List<String> notes) {
    }

    /**
     * Steps 1 to 4 (see the class). On any failure production is rolled back and the exception says so; the caller
     * validates production after this returns and calls {@link #finish} or {@link #rollBack}.
     */
    public Switched switchOver(long restoreId) throws Exception {
        Entry e = journal.find(restoreId).orElseThrow(() -> new IllegalStateException("no switch journal for restore "
                + restoreId));
        String p = e.production();
        String s = e.staging();
        String k = e.previous();
        try (Connection c = production.connect(p)) {
            List<SchemaObject> previousObjects = SchemaObjects.read(c, p, ownTables);
            List<SchemaObject> restoredObjects = SchemaObjects.read(c, s, List.of());
            java.util.Optional<SchemaObject> unreadable = previousObjects.stream().filter(o -> o.ddl() == null).findFirst();
            if (unreadable.isPresent()) {
                throw new RestoreRefusedException("the definition of production's " + unreadable.get().describe()
                        + " cannot be read by " + production.user() + " (needed to put it back if the switch fails): "
                        + "production was not touched");
            }
            List<String> previousTables = baseTables(c, p).stream().filter(t -> !ownTables.contains(t)).toList();
            List<String> restoredTables = baseTables(c, s);
            for (String t : restoredTables) {
                if (ownTables.contains(t)) {
                    throw new RestoreFailedException("the restored copy holds " + t + ", a table of the service itself: "
                            + "production was not touched");
                }
            }
            journal.prepared(restoreId, previousObjects, restoredObjects, previousTables, restoredTables);
            steps.after("prepared");
            try {
                createLike(c, k, p);
                SchemaObjects.drop(c, p, previousObjects, List.of());
                SchemaObjects.drop(c, s, restoredObjects, List.of("TRIGGER", "VIEW"));
                steps.after("dropped");
                List<String> pairs = new ArrayList<>();
                previousTables.forEach(t -> pairs.add(quote(p) + "." + quote(t) + " TO " + quote(k) + "." + quote(t)));
                restoredTables.forEach(t -> pairs.add(quote(s) + "." + quote(t) + " TO " + quote(p) + "." + quote(t)));
                if (!pairs.isEmpty()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("RENAME TABLE " + String.join(", ", pairs));
                    }
                }
                steps.after("renamed");
                journal.phase(restoreId, Phase.SWITCHED, null);
                List<String> notes = SchemaObjects.create(c, restoredObjects, s);
                steps.after("created");
                LOG.info("Restore {}: production {} now holds the restored tables; the previous ones are in {}",
                        restoreId, p, k);
                return new Switched(k, clock.instant().plus(keepPrevious), notes);
            } catch (Exception failure) {
                String back = rollBackQuietly(restoreId, "the switch failed: " + failure.getMessage());
                throw new RestoreFailedException("the switch of production to the restored copy failed ("
                        + failure.getMessage() + "); " + back, failure);
            }
        }
    }

    /** After production validated: the switch is done, the staging schema goes, the server is writable again. */
    public void finish(long restoreId, Instant keepUntil) throws SQLException {
        journal.done(restoreId, keepUntil);
        Entry e = journal.find(restoreId).orElseThrow();
        dropSchema(e.staging());
        releaseReadOnly(e);
    }

    /**
     * Rolls an unfinished (or, asked by an operator, a finished) switch back. Idempotent: run again after a stop, it
     * picks up where it was. Returns, in words, the state production is left in.
     */
    public String rollBack(long restoreId, String why) throws SQLException {
        Entry e = journal.find(restoreId).orElse(null);
        if (e == null || e.phase() == Phase.ROLLED_BACK) {
            return "production was not touched";
        }
        if (e.phase() == Phase.CONFIRMED) {
            throw new IllegalStateException("restore " + restoreId + " was confirmed: its previous tables are gone");
        }
        String p = e.production();
        String s = e.staging();
        String k = e.previous();
        if (e.phase() == Phase.STAGING) {
            dropSchema(s);
            dropSchemaIfEmpty(k);
            releaseReadOnly(e);
            journal.phase(restoreId, Phase.ROLLED_BACK, why);
            return "production was not touched";
        }
        try (Connection c = production.connect(p)) {
            boolean switched = switched(c, e);
            SchemaObjects.drop(c, p, SchemaObjects.read(c, p, ownTables), List.of());
            if (switched) {
                createLike(c, s, p);
                Set<String> inProduction = new HashSet<>(baseTables(c, p));
                Set<String> kept = new HashSet<>(baseTables(c, k));
                List<String> pairs = new ArrayList<>();
                e.restoredTables().stream().filter(inProduction::contains)
                        .forEach(t -> pairs.add(quote(p) + "." + quote(t) + " TO " + quote(s) + "." + quote(t)));
                e.previousTables().stream().filter(kept::contains)
                        .forEach(t -> pairs.add(quote(k) + "." + quote(t) + " TO " + quote(p) + "." + quote(t)));
                if (!pairs.isEmpty()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("RENAME TABLE " + String.join(", ", pairs));
                    }
                }
            }
            SchemaObjects.create(c, journal.objects(restoreId, "previous"), null);
        }
        boolean afterDone = e.phase() == Phase.DONE;
        if (!afterDone) {
            dropSchema(s); // only the restored copy: the backup still has it
        }
        dropSchemaIfEmpty(k);
        releaseReadOnly(e);
        journal.phase(restoreId, Phase.ROLLED_BACK, why);
        LOG.warn("Restore {}: production {} was put back as it was before the restore ({})", restoreId, p, why);
        return afterDone ? "production was put back as it was before the restore; the restored tables, with what was "
                + "written to them since, are kept in " + s : "production was put back as it was before the restore";
    }

    private String rollBackQuietly(long restoreId, String why) {
        try {
            return rollBack(restoreId, why);
        } catch (Exception x) {
            LOG.error("Restore {}: the rollback of production failed: {}", restoreId, x.getMessage(), x);
            Entry e = null;
            try {
                e = journal.find(restoreId).orElse(null);
            } catch (SQLException ignored) {
                // described below without it
            }
            return "THE ROLLBACK FAILED (" + x.getMessage() + "): production may be incomplete; its previous tables "
                    + "are in " + (e == null ? "the _before_restore_ schema" : e.previous())
                    + " and the restored ones in " + (e == null ? "the staging schema" : e.staging())
                    + "; the next start tries the rollback again";
        }
    }

    /** At start-up: every switch a stop left unfinished is rolled back; returns what was done, per restore. */
    public List<String> recoverUnfinished() throws SQLException {
        List<String> out = new ArrayList<>();
        for (Entry e : journal.unfinished()) {
            out.add("restore #" + e.restoreId() + ": " + rollBackQuietly(e.restoreId(),
                    "interrupted by a stop of the service in phase " + e.phase().db + "; rolled back at start-up"));
        }
        return out;
    }

    /** An operator confirms a switch: the previous tables are dropped now. */
    public void confirm(long restoreId) throws SQLException {
        Entry e = journal.find(restoreId).orElseThrow(() -> new IllegalStateException("no switch for restore " + restoreId));
        if (e.phase() != Phase.DONE) {
            throw new IllegalStateException("restore " + restoreId + "'s switch is " + e.phase().db + ", not done");
        }
        dropSchema(e.previous());
        journal.phase(restoreId, Phase.CONFIRMED, "confirmed: previous tables dropped");
    }

    /** Drops the previous tables of switches kept past their time; returns the restore ids. */
    public List<Long> dropExpired(Instant now) throws SQLException {
        List<Long> out = new ArrayList<>();
        for (Entry e : journal.kept()) {
            if (e.keepUntil() != null && !now.isBefore(e.keepUntil())) {
                dropSchema(e.previous());
                journal.phase(e.restoreId(), Phase.CONFIRMED, "kept until " + e.keepUntil() + ": previous tables dropped");
                LOG.info("Restore {}: the previous production tables in {} were kept until {} and are dropped now",
                        e.restoreId(), e.previous(), e.keepUntil());
                out.add(e.restoreId());
            }
        }
        return out;
    }

    /**
     * Whether the one RENAME of the switch ran (it moves every table at once): the restored tables have left the
     * staging schema, or (nothing restored) the previous tables are in their schema.
     */
    private boolean switched(Connection c, Entry e) throws SQLException {
        if (e.phase() == Phase.SWITCHED || e.phase() == Phase.DONE) {
            return true;
        }
        if (!e.restoredTables().isEmpty()) {
            Set<String> inStaging = new HashSet<>(baseTables(c, e.staging()));
            return e.restoredTables().stream().noneMatch(inStaging::contains);
        }
        Set<String> kept = new HashSet<>(baseTables(c, e.previous()));
        return e.previousTables().stream().anyMatch(kept::contains);
    }

    private static void createLike(Connection c, String schema, String like) throws SQLException {
        String charset = "utf8mb4";
        String collation = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM "
                + "information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    charset = rs.getString(1);
                    collation = rs.getString(2);
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + quote(schema) + " CHARACTER SET " + charset
                    + (collation == null ? "" : " COLLATE " + collation));
        }
    }

    private void dropSchema(String schema) throws SQLException {
        production.execute("DROP DATABASE IF EXISTS " + quote(schema));
    }

    private void dropSchemaIfEmpty(String schema) throws SQLException {
        try (Connection c = production.connect(null)) {
            if (baseTables(c, schema).isEmpty()) {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + quote(schema));
                }
            } else {
                LOG.error("{} still holds tables after the rollback: kept for inspection", schema);
            }
        }
    }

    static List<String> baseTables(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                + "TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1")) {
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
