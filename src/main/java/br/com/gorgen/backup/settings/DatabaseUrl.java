package br.com.gorgen.backup.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The database to back up, parsed from {@code DATABASE_URL} ({@code mysql://user:password@host:port/database}).
 * The password is kept out of {@link #toString()} so that it never reaches a log line.
 */
public record DatabaseUrl(String user, String password, String host, int port, String database, String jdbcOptions) {

    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("DATABASE_URL is not set (expected mysql://user:password@host:port/database)");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL (expected mysql://user:password@host:port/database)");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("mysql") || scheme.equals("mariadb"))) {
            throw new IllegalArgumentException("DATABASE_URL must start with mysql:// or mariadb://");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException("DATABASE_URL has no user (expected mysql://user:password@host:port/database)");
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("DATABASE_URL has no host");
        }
        int port = uri.getPort() < 0 ? 3306 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("DATABASE_URL must name exactly one database after the port");
        }
        return new DatabaseUrl(user, password, host, port, database, uri.getRawQuery() == null ? "" : uri.getRawQuery());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** JDBC URL for MySQL Connector/J, without credentials. */
    public String jdbcUrl() {
        StringBuilder sb = new StringBuilder("jdbc:mysql://").append(host).append(':').append(port).append('/').append(database)
                .append("?connectTimeout=5000&characterEncoding=UTF-8&useUnicode=true");
        if (!jdbcOptions.isEmpty()) {
            sb.append('&').append(jdbcOptions);
        }
        return sb.toString();
    }

    /** A new JDBC connection with these credentials (to this database, or to the server when it is null). */
    public java.sql.Connection connect(String otherDatabase) throws java.sql.SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return java.sql.DriverManager.getConnection(otherDatabase == null ? jdbcUrl() : withDatabase(otherDatabase).jdbcUrl(),
                props);
    }

    /** Runs one statement on the server (no particular database). */
    public void execute(String sql) throws java.sql.SQLException {
        try (java.sql.Connection c = connect(null); java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** A backtick-quoted identifier. */
    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** The same server, another database (restores, drills). */
    public DatabaseUrl withDatabase(String otherDatabase) {
        return new DatabaseUrl(user, password, host, port, otherDatabase, jdbcOptions);
    }

    @Override
    public String toString() {
        return "mysql://" + user + ":***@" + host + ":" + port + "/" + database;
    }
}
