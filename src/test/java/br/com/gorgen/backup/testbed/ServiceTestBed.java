package br.com.gorgen.backup.testbed;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.api.ApiKeys;
import br.com.gorgen.backup.support.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * Everything a service-level test needs, all real: the shared MariaDB server with a fresh GORGEN database, two
 * S3Proxy buckets, a GreenMail SMTP server, test keys and API keys. {@link #applyAsSystemProperties()} points the
 * service's configuration at them (system properties override config/application.properties, like environment
 * variables do in production).
 */
public final class ServiceTestBed implements AutoCloseable {
    public static final String PRIMARY = "backups-primary";
    public static final String SECONDARY = "backups-dr";
    /** The application's documents bucket (the source of documents backups), on the same S3Proxy. */
    public static final String DOCUMENTS = "gorgen-documents";
    public static final String ADMIN_KEY = "admin-key-0123456789";
    public static final String MASTER_KEY = "master-key-9876543210";
    public static final String ALERT_EMAIL = "dr.andre@gorgen.test";

    public final MariaDbServer db;
    public final TestKeys keys = TestKeys.shared();
    public final S3Server s3;
    public final GreenMail mail;
    public final String database;
    public final int httpPort;
    public final Path dataDir;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ServiceTestBed(String database) {
        this(database, MariaDbServer.shared());
    }

    public ServiceTestBed(String database, MariaDbServer server) {
        this.db = server;
        this.database = database;
        db.createGorgenDatabase(database);
        s3 = new S3Server(PRIMARY, SECONDARY, DOCUMENTS);
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        // chosen after GreenMail took its port: a port freed by freePort() can be the next one the OS hands out
        int port = MariaDbServer.freePort();
        while (port == mail.getSmtp().getPort()) {
            port = MariaDbServer.freePort();
        }
        httpPort = port;
        try {
            dataDir = Files.createTempDirectory("gorgen-data-");
            Path apiKeys = dataDir.resolve("api-keys");
            Files.writeString(apiKeys, "# test keys\nadmin " + ApiKeys.sha256Hex(ADMIN_KEY) + " ops-team\nmaster "
                    + ApiKeys.sha256Hex(MASTER_KEY) + " dr-andre\n");
            properties.put("backup.api.keys.file", apiKeys.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        properties.put("database.url", db.databaseUrl(database));
        properties.put("backup.data.dir", dataDir.toString());
        properties.put("backup.http.port", String.valueOf(httpPort));
        properties.put("backup.s3.endpoint", s3.endpoint());
        properties.put("backup.s3.access.key", S3Server.ACCESS_KEY);
        properties.put("backup.s3.secret.key", S3Server.SECRET_KEY);
        properties.put("backup.s3.bucket", PRIMARY);
        properties.put("backup.s3.secondary.endpoint", s3.endpoint());
        properties.put("backup.s3.secondary.access.key", S3Server.ACCESS_KEY);
        properties.put("backup.s3.secondary.secret.key", S3Server.SECRET_KEY);
        properties.put("backup.s3.secondary.bucket", SECONDARY);
        properties.put("backup.s3.part.size", String.valueOf(5 * 1024 * 1024));
        properties.put("backup.pgp.public.key.file", keys.publicKey().toString());
        properties.put("smtp.host", "127.0.0.1");
        properties.put("smtp.port", String.valueOf(mail.getSmtp().getPort()));
        properties.put("backup.alert.email", ALERT_EMAIL);
        properties.put("backup.retry.max", "2");
        properties.put("backup.retry.delay.ms", "100");
        properties.put("backup.retry.max.delay.ms", "500");
        // tests ship binary logs and run incrementals through the API, never on a timer
        properties.put("backup.binlog.cron", "0 0 0 1 1 ? 2099");
        properties.put("backup.database.incremental.cron", "0 0 0 1 1 ? 2099");
        properties.put("backup.documents.full.cron", "0 0 0 1 1 ? 2099");
        properties.put("backup.documents.incremental.cron", "0 0 0 1 1 ? 2099");
        properties.put("backup.reconcile.cron", "0 0 0 1 1 ? 2099");
        properties.put("backup.retention.cron", "0 0 0 1 1 ? 2099");
        // tests take several backups a day and restore older ones: the clean-up runs only when a test asks
        properties.put("backup.retention.after.backup", "false");
    }

    /** Sets (or replaces) one setting before {@link #applyAsSystemProperties()}. */
    public ServiceTestBed with(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Leaves a setting to config/application.properties (its default there). */
    public ServiceTestBed without(String key) {
        properties.remove(key);
        return this;
    }

    public void applyAsSystemProperties() {
        properties.forEach(System::setProperty);
    }

    @Override
    public void close() {
        properties.keySet().forEach(System::clearProperty);
        mail.stop();
        s3.close();
    }

    public record Response(int status, String body, Map<String, List<String>> headers) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** A GET whose body is kept as bytes (downloads). */
    public HttpResponse<byte[]> getBytes(String path, String apiKey, String range) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET().timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKey);
        if (range != null) {
            b.header("Range", range);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError("HTTP call failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Response get(String path, String apiKey) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), apiKey);
    }

    public Response postJson(String path, String apiKey, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), apiKey);
    }

    public Response post(String path, String apiKey, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), apiKey);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    public Response send(HttpRequest.Builder builder, String apiKey) {
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> r = http.send(builder.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new AssertionError("HTTP call failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Triggers a full backup over the API and waits until it has succeeded; returns its id. */
    public long runFullBackup() {
        Response accepted = postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"full\"}");
        if (accepted.status() != 202) {
            throw new AssertionError("trigger refused: " + accepted.body());
        }
        long id = accepted.json().get("id").asLong();
        org.awaitility.Awaitility.await("backup " + id).atMost(Duration.ofSeconds(90))
                .until(() -> !backup(id).get("status").asText().equals("running"));
        if (!backup(id).get("status").asText().equals("success")) {
            throw new AssertionError("backup " + id + " did not succeed: " + backup(id));
        }
        return id;
    }

    /** Triggers a backup of any type over the API and waits until it has succeeded; returns its history entry. */
    public JsonNode runBackup(String type) {
        Response r = postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"" + type + "\"}");
        if (r.status() != 202) {
            throw new AssertionError("trigger of a " + type + " backup refused: " + r.status() + " " + r.body());
        }
        long id = r.json().get("id").asLong();
        org.awaitility.Awaitility.await("backup " + id).atMost(Duration.ofSeconds(120))
                .until(() -> !backup(id).get("status").asText().equals("running"));
        JsonNode b = backup(id);
        if (!b.get("status").asText().equals("success")) {
            throw new AssertionError("backup " + id + " did not succeed: " + b);
        }
        return b;
    }

    /** Asks for a restore (role master) and waits until it is verified; returns the restore's entry. */
    public JsonNode restore(long backupId, String body) {
        Response r = postJson("/api/backup/restore/" + backupId, MASTER_KEY, body);
        if (r.status() != 202) {
            throw new AssertionError("restore of " + backupId + " refused: " + r.status() + " " + r.body());
        }
        long restoreId = r.json().get("restoreId").asLong();
        org.awaitility.Awaitility.await("restore " + restoreId).atMost(Duration.ofSeconds(120))
                .until(() -> !get("/api/backup/restore/" + restoreId, MASTER_KEY).json().get("status").asText()
                        .equals("running"));
        JsonNode done = get("/api/backup/restore/" + restoreId, MASTER_KEY).json();
        if (!done.get("status").asText().equals("verified")) {
            throw new AssertionError("restore " + restoreId + " was not verified: " + done);
        }
        return done;
    }

    /** What a prefix of the documents bucket holds: key under the prefix -> SHA-256 (S3Proxy's folder entries left out). */
    public Map<String, String> documentsUnder(String prefix) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String k : s3.keys(DOCUMENTS, prefix)) {
            if (!k.endsWith("/")) {
                out.put(k.substring(prefix.length()), s3.sha256(DOCUMENTS, k));
            }
        }
        return out;
    }

    /** The sum of a counter's series (Prometheus text of /observe/metrics) whose labels contain {@code label}. */
    public double metric(String counter, String label) {
        return get("/observe/metrics", null).body().lines()
                .filter(l -> l.startsWith(counter + "{") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The history entry of one backup, through the API. */
    public JsonNode backup(long id) {
        for (JsonNode b : get("/api/backup/history?limit=1000", ADMIN_KEY).json().get("backups")) {
            if (b.get("id").asLong() == id) {
                return b;
            }
        }
        throw new AssertionError("backup " + id + " not in history");
    }

    public List<String> mailSubjects() {
        List<String> out = new ArrayList<>();
        try {
            for (var m : mail.getReceivedMessages()) {
                out.add(m.getSubject());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** The binary-log file the server is writing now. */
    public String currentBinlogFile() {
        return db.names(null, "SHOW MASTER STATUS").get(0);
    }

    /** Successful transactional backups (shipped binary logs), oldest first. */
    public List<JsonNode> shippedBinlogs() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode b : get("/api/backup/history?type=transactional&status=success&limit=1000", ADMIN_KEY).json().get("backups")) {
            out.add(0, b);
        }
        return out;
    }

    /**
     * Asks the service to ship the binary logs now and waits until the file being written when asked is shipped
     * (the shipper rotates first, so it is closed and shipped by that run). Returns that file's name.
     */
    public String shipBinlogs() {
        String current = currentBinlogFile();
        Response r = postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"transactional\"}");
        if (r.status() != 202) {
            throw new AssertionError("shipping not accepted: " + r.status() + " " + r.body());
        }
        org.awaitility.Awaitility.await("binary log " + current + " shipped").atMost(Duration.ofSeconds(90))
                .until(() -> shippedBinlogs().stream().anyMatch(b -> current.equals(b.get("binlogFile").asText())));
        return current;
    }
}
