package br.com.gorgen.backup.settings;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

import br.com.gorgen.backup.retention.RetentionSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Every setting of the service, typed, read once from the Camel properties (config/application.properties with
 * environment-variable overrides). Secrets are kept out of {@link #toString()}.
 */
public record BackupSettings(
        int tenantId,
        Path dataDir,
        ZoneId timeZone,
        String keyPrefix,
        String databaseUrl,
        String catalogDatabaseUrl,
        String dumpCommand,
        List<String> dumpExtraArgs,
        int gzipLevel,
        S3Target primary,
        S3Target secondary,
        boolean pathStyle,
        String checksumMode,
        boolean unsignedPayload,
        String secondaryReplication,
        long partSize,
        int embeddedS3Port,
        String pgpPublicKeyFile,
        String pgpPrivateKeyFile,
        String pgpPassphrase,
        String pgpPassphraseFile,
        Restore restore,
        Mail mail,
        String apiKeysFile,
        PointInTime pointInTime,
        Documents documents,
        List<String> configPaths,
        RetentionSettings retention,
        boolean retentionAfterBackup,
        boolean catalogRebuildAtStartup,
        String objectLockMode,
        int incompleteUploadMaxAgeHours) {

    /**
     * The application's documents bucket (empty bucket: no documents backup). Endpoint, region and keys default to the
     * primary backup bucket's.
     */
    public record Documents(String bucket, String endpoint, String region, String accessKey, String secretKey,
            String prefix, String exclude, int parallelism, int gzipLevel, String verify, int slowListPageMillis,
            long packThreshold, long packSize) {
        public Documents {
            if (packThreshold < 0 || packThreshold > 64 << 20 || packSize < 1) {
                throw new IllegalArgumentException("setting backup.documents.pack.threshold must be between 0 and 64 MiB and "
                        + "backup.documents.pack.size positive");
            }
            if (!"etag".equals(verify) && !"readback".equals(verify)) {
                throw new IllegalArgumentException("setting backup.documents.verify must be etag or readback, got '" + verify
                        + "'");
            }
        }

        public boolean enabled() {
            return bucket != null && !bucket.isBlank();
        }

        @Override
        public String toString() {
            return enabled() ? "bucket '" + bucket + "' prefix '" + prefix + "'" : "off";
        }
    }

    /** Binary-log shipping and point-in-time recovery: the binlog tool and the window that must stay recoverable. */
    public record PointInTime(String binlogCommand, int windowDays) {
    }

    /** Where and how restores run. An empty URL means the source server with DATABASE_URL's credentials. */
    /**
     * @param keepPreviousHours how long a production restore keeps production's previous tables
     * @param isolatedKeepHours how long an isolated restore's database stays before the clean-up drops it
     * @param sandbox run the client with {@code --sandbox} (no shell, no file access from the loaded SQL)
     */
    public record Restore(String databaseUrl, String databasePrefix, String clientCommand, boolean skipBinlog,
            int keepPreviousHours, int isolatedKeepHours, boolean sandbox) {
    }

    /** SMTP settings; {@link #enabled()} is false when no host or recipient is configured. */
    public record Mail(String host, int port, String user, String password, String from, String protocol,
            boolean startTls, String alertEmail) {
        public boolean enabled() {
            return !host.isBlank() && !alertEmail.isBlank();
        }

        @Override
        public String toString() {
            return enabled() ? protocol + "://" + host + ":" + port + " -> " + alertEmail : "log only";
        }
    }

    public static BackupSettings from(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        Reader r = new Reader(pc);
        return new BackupSettings(
                r.integer("backup.tenant.id", 1),
                Path.of(r.text("backup.data.dir", "data")),
                ZoneId.of(r.text("backup.timezone", "America/Sao_Paulo")),
                r.text("backup.key.prefix", "gorgen-backup"),
                r.text("database.url", ""),
                r.text("backup.catalog.database.url", ""),
                r.text("backup.dump.command", "mariadb-dump"),
                r.list("backup.dump.extra.args"),
                r.integer("backup.gzip.level", 6),
                new S3Target("primary", r.text("backup.s3.endpoint", ""), r.text("backup.s3.region", "us-east-1"),
                        r.text("backup.s3.access.key", ""), r.text("backup.s3.secret.key", ""),
                        r.text("backup.s3.bucket", "gorgen-backup-primary")),
                new S3Target("secondary", r.text("backup.s3.secondary.endpoint", ""),
                        r.text("backup.s3.secondary.region", "us-east-1"), r.text("backup.s3.secondary.access.key", ""),
                        r.text("backup.s3.secondary.secret.key", ""),
                        r.text("backup.s3.secondary.bucket", "gorgen-backup-secondary")),
                Boolean.parseBoolean(r.text("backup.s3.path.style", "true")),
                r.text("backup.s3.checksum.mode", "when_required"),
                Boolean.parseBoolean(r.text("backup.s3.unsigned.payload", "true")),
                r.text("backup.s3.secondary.replication", "auto"),
                Long.parseLong(r.text("backup.s3.part.size", "16777216")),
                r.integer("backup.s3.embedded.port", 0),
                r.text("backup.pgp.public.key.file", ""),
                r.text("backup.pgp.private.key.file", ""),
                r.text("backup.pgp.passphrase", ""),
                r.text("backup.pgp.passphrase.file", ""),
                new Restore(r.text("backup.restore.database.url", ""), r.text("backup.restore.database.prefix", "gorgen_restore"),
                        r.text("backup.restore.client.command", "mariadb"),
                        Boolean.parseBoolean(r.text("backup.restore.skip.binlog", "true")),
                        r.integer("backup.restore.keep.previous.hours", 72),
                        r.integer("backup.restore.isolated.keep.hours", 24),
                        Boolean.parseBoolean(r.text("backup.restore.client.sandbox", "true"))),
                new Mail(r.text("smtp.host", ""), r.integer("smtp.port", 25), r.text("smtp.user", ""),
                        r.text("smtp.password", ""), r.text("smtp.from", "gorgen-backup@localhost"),
                        r.text("smtp.protocol", "smtp"), Boolean.parseBoolean(r.text("smtp.starttls", "false")),
                        r.text("backup.alert.email", "")),
                r.text("backup.api.keys.file", "config/api-keys"),
                new PointInTime(r.text("backup.binlog.command", "mariadb-binlog"), r.integer("backup.pitr.window.days", 7)),
                new Documents(r.text("documents.s3.bucket", ""), r.text("documents.s3.endpoint", ""),
                        r.text("documents.s3.region", ""), r.text("documents.s3.access.key", ""),
                        r.text("documents.s3.secret.key", ""), r.text("documents.s3.prefix", ""),
                        r.text("backup.documents.exclude", ""), r.integer("backup.documents.parallelism", 16),
                        r.integer("backup.documents.gzip.level", 1),
                        r.text("backup.documents.verify", "etag").strip().toLowerCase(java.util.Locale.ROOT),
                        r.integer("backup.documents.list.slow.page.ms", 100),
                        r.integer("backup.documents.pack.threshold", 1 << 20), r.integer("backup.documents.pack.size", 12 << 20)),
                Arrays.stream(r.text("backup.config.paths", "").split(",")).map(String::strip).filter(x -> !x.isEmpty())
                        .toList(),
                new RetentionSettings(r.integer("backup.retention.daily.days", 30),
                        r.integer("backup.retention.weekly.weeks", 12), r.integer("backup.retention.monthly.months", 12),
                        r.integer("backup.retention.yearly.years", 7), r.integer("backup.pitr.window.days", 7),
                        r.integer("backup.retention.min.successful.fulls", 3),
                        r.integer("backup.retention.failed.grace.days", 7),
                        ZoneId.of(r.text("backup.timezone", "America/Sao_Paulo"))),
                Boolean.parseBoolean(r.text("backup.retention.after.backup", "true")),
                Boolean.parseBoolean(r.text("backup.catalog.rebuild.at.startup", "true")),
                r.text("backup.s3.object.lock.mode", "GOVERNANCE"),
                r.integer("backup.s3.incomplete.upload.max.age.hours", 24));
    }

    /** The parsed database URL; throws with a clear message when it is missing or malformed. */
    public DatabaseUrl database() {
        return DatabaseUrl.parse(databaseUrl);
    }

    /** Where backup_history lives: its own URL, or the source database. */
    public DatabaseUrl catalogDatabase() {
        return catalogDatabaseUrl.isBlank() ? database() : DatabaseUrl.parse(catalogDatabaseUrl);
    }

    /** The server restores run on, with the credentials to use there. */
    public DatabaseUrl restoreServer() {
        return restore.databaseUrl().isBlank() ? database() : DatabaseUrl.parse(restore.databaseUrl());
    }

    /** True when the catalog tables live inside the database being backed up. */
    public boolean catalogInSource() {
        return catalogDatabaseUrl.isBlank();
    }

    public Path spoolDir() {
        return dataDir.resolve("spool");
    }

    @Override
    public String toString() {
        String db;
        try {
            db = database().toString();
        } catch (IllegalArgumentException e) {
            db = "(not configured)";
        }
        return "tenant=" + tenantId + ", database=" + db + ", " + primary + ", " + secondary + ", mail=" + mail
                + ", dataDir=" + dataDir.toAbsolutePath();
    }

    private record Reader(PropertiesComponent pc) {
        String text(String key, String dflt) {
            return pc.resolveProperty(key).map(String::trim).orElse(dflt);
        }

        int integer(String key, int dflt) {
            String v = text(key, "");
            try {
                return v.isEmpty() ? dflt : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("setting " + key + " must be a whole number, got '" + v + "'");
            }
        }

        List<String> list(String key) {
            String v = text(key, "");
            return v.isEmpty() ? List.of() : Arrays.asList(v.split("\\s+"));
        }
    }
}
