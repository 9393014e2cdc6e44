package br.com.gorgen.backup.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

import br.com.gorgen.backup.settings.DatabaseUrl;

/**
 * Which {@code DEFINER}s of a dump a restore keeps. An isolated restore keeps none (they become the restoring
 * account, so that views and routines work on any server). A production restore keeps each one whose account exists
 * on the server, when the restoring account may create objects for another account ({@code SET USER} or
 * {@code SUPER}); the others become the restoring account, and the restore says which.
 */
public final class DefinerPolicy {
    private DefinerPolicy() {
    }

    /** Keeps no definer. */
    public static Predicate<String> none() {
        return definer -> false;
    }

    /** The definers ({@code `user`@`host`}) {@code server}'s account may keep there. */
    public static Predicate<String> forServer(DatabaseUrl server) throws SQLException {
        Set<String> keep = new HashSet<>();
        try (Connection c = server.connect(null); Statement st = c.createStatement()) {
            String current;
            try (ResultSet rs = st.executeQuery("SELECT CURRENT_USER()")) {
                rs.next();
                current = rs.getString(1);
            }
            int at = current.lastIndexOf('@');
            String user = current.substring(0, at);
            String host = current.substring(at + 1);
            keep.add(quoted(user, host));
            boolean mayBeOthers = false;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.USER_PRIVILEGES WHERE "
                    + "GRANTEE = ? AND PRIVILEGE_TYPE IN ('SUPER', 'SET USER')")) {
                ps.setString(1, "'" + user.replace("'", "''") + "'@'" + host.replace("'", "''") + "'");
                try (ResultSet rs = ps.executeQuery()) {
                    mayBeOthers = rs.next();
                }
            }
            if (mayBeOthers) {
                try (ResultSet rs = st.executeQuery("SELECT User, Host FROM mysql.user")) {
                    while (rs.next()) {
                        keep.add(quoted(rs.getString(1), rs.getString(2)));
                    }
                } catch (SQLException cannotList) {
                    // without the list of accounts, only the restoring account's own definers are known to exist
                }
            }
        }
        return keep::contains;
    }

    static String quoted(String user, String host) {
        return "`" + user.replace("`", "``") + "`@`" + host.replace("`", "``") + "`";
    }
}
