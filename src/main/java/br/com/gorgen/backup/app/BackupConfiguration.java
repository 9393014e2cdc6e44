package br.com.gorgen.backup.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;

import br.com.gorgen.backup.api.ApiAuthenticator;
import br.com.gorgen.backup.api.ApiKeys;
import br.com.gorgen.backup.api.ApiResponder;
import br.com.gorgen.backup.api.BackupApi;
import br.com.gorgen.backup.api.CatalogApi;
import br.com.gorgen.backup.api.ScheduleInspector;
import br.com.gorgen.backup.archive.BackupArchiver;
import br.com.gorgen.backup.catalog.AuditTrail;
import br.com.gorgen.backup.catalog.BackupCoordinator;
import br.com.gorgen.backup.catalog.BackupHistory;
import br.com.gorgen.backup.catalog.BackupPins;
import br.com.gorgen.backup.catalog.MaintenanceLock;
import br.com.gorgen.backup.catalog.BackupMetrics;
import br.com.gorgen.backup.catalog.CatalogPreparer;
import br.com.gorgen.backup.catalog.CatalogRebuilder;
import br.com.gorgen.backup.catalog.ManifestWriter;
import br.com.gorgen.backup.catalog.Reconciliation;
import br.com.gorgen.backup.catalog.SchemaMigrator;
import br.com.gorgen.backup.api.DeletionApi;
import br.com.gorgen.backup.api.DownloadApi;
import br.com.gorgen.backup.api.DownloadHttpAdapter;
import br.com.gorgen.backup.api.ApiRequest;
import br.com.gorgen.backup.api.ProductionSwitchApi;
import br.com.gorgen.backup.api.RestoreApi;
import br.com.gorgen.backup.api.ReconciliationApi;
import br.com.gorgen.backup.api.RetentionApi;
import br.com.gorgen.backup.pitr.BinlogReplayer;
import br.com.gorgen.backup.pitr.PointInTimeRecovery;
import br.com.gorgen.backup.restore.ArtifactLocator;
import br.com.gorgen.backup.restore.DatabaseRestorer;
import br.com.gorgen.backup.restore.PrivateKeySource;
import br.com.gorgen.backup.restore.ProductionRestore;
import br.com.gorgen.backup.restore.ProductionSwitch;
import br.com.gorgen.backup.restore.RestoreLeftovers;
import br.com.gorgen.backup.api.RestoreDatabaseApi;
import br.com.gorgen.backup.restore.SwitchJournal;
import br.com.gorgen.backup.restore.RestoreCoordinator;
import br.com.gorgen.backup.restore.RestoreDrill;
import br.com.gorgen.backup.restore.RestoreHistory;
import br.com.gorgen.backup.restore.RestoreValidator;
import br.com.gorgen.backup.binlog.BinlogFetcher;
import br.com.gorgen.backup.binlog.BinlogManifests;
import br.com.gorgen.backup.binlog.BinlogServer;
import br.com.gorgen.backup.binlog.BinlogShipper;
import br.com.gorgen.backup.binlog.IncrementalBackup;
import br.com.gorgen.backup.crypto.EncryptionKeyProvisioner;
import br.com.gorgen.backup.crypto.PgpEncryptor;
import br.com.gorgen.backup.crypto.PgpRecipients;
import br.com.gorgen.backup.configfiles.ConfigFilesArchiver;
import br.com.gorgen.backup.documents.DocumentsBackup;
import br.com.gorgen.backup.documents.DocumentsCatalog;
import br.com.gorgen.backup.documents.DocumentsRestore;
import br.com.gorgen.backup.documents.ExclusionRules;
import br.com.gorgen.backup.dump.DatabaseDumper;
import br.com.gorgen.backup.dump.DumpProcess;
import br.com.gorgen.backup.notify.AlertLog;
import br.com.gorgen.backup.notify.NotificationComposer;
import br.com.gorgen.backup.retention.BackupExpirer;
import br.com.gorgen.backup.retention.RetentionCleanup;
import br.com.gorgen.backup.retention.DocumentsContentCollector;
import br.com.gorgen.backup.retention.RetentionPolicy;
import br.com.gorgen.backup.settings.BackupSettings;
import br.com.gorgen.backup.settings.DatabaseUrl;
import br.com.gorgen.backup.settings.S3Target;
import br.com.gorgen.backup.storage.BackupBuckets;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.storage.EmbeddedS3Server;
import br.com.gorgen.backup.storage.IncompleteUploads;
import br.com.gorgen.backup.storage.ObjectLocking;
import br.com.gorgen.backup.storage.ObjectReader;
import br.com.gorgen.backup.storage.ObjectUploadPreparer;
import br.com.gorgen.backup.storage.S3ClientFactory;
import br.com.gorgen.backup.storage.SecondaryReplica;
import br.com.gorgen.backup.storage.ParallelBucketLister;
import br.com.gorgen.backup.storage.StoredEtagCheck;
import br.com.gorgen.backup.storage.StoredObjectVerifier;
import br.com.gorgen.backup.storage.TransientStorageFaults;
import br.com.gorgen.backup.support.ClosingService;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The composition root: builds the service's beans from {@link BackupSettings} in dependency order and binds them
 * under the names the YAML routes use. Nothing here talks to the outside world except to start the embedded S3
 * store when no endpoint is configured and to apply the catalog's schema migrations (a database that is down at
 * start-up is reported, not fatal).
 */
@Configuration
public class BackupConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(BackupConfiguration.class);

    /** Tables of the service itself, left out of its dumps when the catalog lives in the source database. */
    static final List<String> OWN_TABLES = List.of("backup_history", "backup_audit_log", "backup_schema_version",
            "restore_history", "documents_state", "documents_content", "backup_pin", "production_switch",
            "production_switch_object", "backup_alert");

    @Override
    public void configure(CamelContext context) throws Exception {
        BackupSettings settings = BackupSettings.from(context);
        LOG.info("gorgen-backup settings: {}", settings);
        Files.createDirectories(settings.dataDir());
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();
        registry.bind("backupSettings", settings);

        // catalog
        DatabaseUrl source = settings.database();
        // the service's own tables in the source database stay out of its binary log, or a point-in-time replay
        // (which applies the source database's events) would trip over tables the dumps leave out
        boolean catalogOutOfBinlog = settings.catalogInSource() && canSkipBinlog(settings.catalogDatabase());
        HikariDataSource dataSource = catalogDataSource(settings.catalogDatabase(), catalogOutOfBinlog);
        context.addService(ClosingService.of(dataSource), true);
        registry.bind("backupDataSource", dataSource);
        SchemaMigrator migrator = new SchemaMigrator(dataSource);
        BackupHistory history = new BackupHistory(dataSource, migrator, settings.tenantId());
        // pins keep what a restore, drill, download or rebuild uses from being expired; one maintenance at a time
        BackupPins pins = new BackupPins(dataSource, migrator, settings.tenantId(), java.util.UUID.randomUUID().toString(),
                clock);
        registry.bind("backupPins", pins);
        MaintenanceLock maintenance = new MaintenanceLock(dataSource, settings.keyPrefix(), settings.tenantId());

        // storage
        S3Target primary = settings.primary();
        S3Target secondary = settings.secondary();
        if (primary.embedded() || secondary.embedded()) {
            EmbeddedS3Server embedded = new EmbeddedS3Server(settings.dataDir().resolve("s3"), settings.embeddedS3Port(),
                    List.of(primary.bucket(), secondary.bucket()));
            ServiceHelper.startService(embedded);
            context.addService(embedded, true);
            if (primary.embedded()) {
                primary = primary.withEndpoint(embedded.endpoint(), embedded.accessKey(), embedded.secretKey());
            }
            if (secondary.embedded()) {
                secondary = secondary.withEndpoint(embedded.endpoint(), embedded.accessKey(), embedded.secretKey());
            }
        }
        S3Client primaryClient = S3ClientFactory.create(primary, settings.pathStyle(), settings.checksumMode(),
                settings.unsignedPayload());
        S3Client secondaryClient = S3ClientFactory.create(secondary, settings.pathStyle(), settings.checksumMode(),
                settings.unsignedPayload());
        context.addService(ClosingService.of(primaryClient), true);
        context.addService(ClosingService.of(secondaryClient), true);
        registry.bind("primaryS3Client", primaryClient);
        registry.bind("secondaryS3Client", secondaryClient);
        BackupBuckets buckets = new BackupBuckets(new BackupBuckets.Bucket(primary, primaryClient),
                new BackupBuckets.Bucket(secondary, secondaryClient));
        BackupMetrics metrics = new BackupMetrics(() -> meterRegistry(context));
        SecondaryReplica replica = new SecondaryReplica(SecondaryReplica.Mode.parse(settings.secondaryReplication()),
                buckets.primary(), buckets.secondary(), settings.partSize(), metrics::secondaryReplica);
        registry.bind("secondaryReplica", replica);
        LOG.info("Secondary bucket: every object {}", replica.describe());
        BackupKeyLayout layout = new BackupKeyLayout(settings.keyPrefix(), settings.tenantId());
        registry.bind("objectUploadPreparer", new ObjectUploadPreparer());
        registry.bind("storedObjectVerifier", new StoredObjectVerifier());
        registry.bind("storedEtagCheck", new StoredEtagCheck(metrics::storeVerified));
        registry.bind("transientStorageFaults", new TransientStorageFaults());
        registry.bind("incompleteUploads", new IncompleteUploads(buckets, layout, clock,
                Duration.ofHours(settings.incompleteUploadMaxAgeHours())));

        // dump, compress, encrypt
        PgpRecipients recipients = EncryptionKeyProvisioner.provision(settings.pgpPublicKeyFile(), settings.dataDir());
        registry.bind("databaseDumper", new DatabaseDumper(source, settings.dumpCommand(), settings.dumpExtraArgs(),
                settings.catalogInSource() ? OWN_TABLES : List.of()));
        // dumps, binary logs and configuration archives are always read back after upload: no ETag (MD5) to compute
        BackupArchiver archiver = new BackupArchiver(new PgpEncryptor(recipients), settings.gzipLevel(), 0);
        registry.bind("backupArchiver", archiver);
        registry.bind("configFilesArchiver", new ConfigFilesArchiver(settings.configPaths().stream().map(Path::of).toList(),
                archiver));
        ManifestWriter manifestWriter = new ManifestWriter(recipients, settings.tenantId(), primary.bucket(),
                secondary.bucket(), DumpProcess.toolVersion(settings.dumpCommand()), settings.gzipLevel());
        registry.bind("manifestWriter", manifestWriter);

        // life cycle
        BackupCoordinator coordinator = new BackupCoordinator(history, layout, buckets, settings.spoolDir(), clock,
                metrics);
        registry.bind("backupCoordinator", coordinator);

        // binary logs: continuous shipping, incrementals
        String binlogCommand = settings.pointInTime().binlogCommand();
        BinlogServer binlogServer = new BinlogServer(source);
        BinlogFetcher fetcher = new BinlogFetcher(source, binlogCommand);
        BinlogManifests binlogManifests = new BinlogManifests(manifestWriter, source, settings.tenantId(),
                toolVersion(binlogCommand));
        BinlogShipper shipper = new BinlogShipper(binlogServer, fetcher, history, coordinator, layout, binlogManifests,
                buckets, clock);
        registry.bind("binlogShipper", shipper);
        IncrementalBackup incremental = new IncrementalBackup(binlogServer, fetcher, history, binlogManifests);
        registry.bind("incrementalBackup", incremental);
        PointInTimeRecovery pitr = new PointInTimeRecovery(history, shipper, settings.pointInTime().windowDays(), clock);

        // documents (the application's bucket): content stored once by SHA-256, a snapshot per backup
        BackupSettings.Documents docs = settings.documents();
        S3Client documentsClient = null;
        ObjectReader documentsReader = null;
        if (docs.enabled()) {
            S3Target docsTarget = new S3Target("documents", docs.endpoint().isBlank() ? primary.endpoint() : docs.endpoint(),
                    docs.region().isBlank() ? primary.region() : docs.region(),
                    docs.accessKey().isBlank() ? primary.accessKey() : docs.accessKey(),
                    docs.secretKey().isBlank() ? primary.secretKey() : docs.secretKey(), docs.bucket());
            documentsClient = S3ClientFactory.create(docsTarget, settings.pathStyle(), settings.checksumMode(),
                    settings.unsignedPayload());
            context.addService(ClosingService.of(documentsClient), true);
            documentsReader = S3ClientFactory.objectReader(docsTarget, settings.pathStyle(), documentsClient);
            if (documentsReader instanceof AutoCloseable closeable) {
                context.addService(ClosingService.of(closeable), true);
            }
        }
        ExecutorService documentsPool = context.getExecutorServiceManager().newFixedThreadPool(this, "documents",
                Math.max(1, docs.parallelism()));
        registry.bind("documentsPool", documentsPool);
        registry.bind("documentsBackup", new DocumentsBackup(documentsReader,
                documentsClient == null ? null
                        : new ParallelBucketLister(documentsClient, documentsPool, Duration.ofMillis(docs.slowListPageMillis())),
                docs.bucket(), docs.prefix(), ExclusionRules.parse(docs.exclude()),
                new DocumentsCatalog(dataSource, migrator, settings.tenantId()), layout,
                // documents are mostly compressed already (PDF, JPEG, DOCX, DICOM): a fast gzip level
                new BackupArchiver(new PgpEncryptor(recipients), docs.gzipLevel(), settings.partSize()), manifestWriter,
                settings.tenantId(), docs.verify(), new DocumentsBackup.Packing(docs.packThreshold(), docs.packSize())));

        // notifications
        configureMail(context, settings.mail());
        registry.bind("notificationComposer", new NotificationComposer(settings.timeZone(), settings.mail().enabled()));
        registry.bind("alertLog", new AlertLog(dataSource, migrator, settings.tenantId()));
        if (!settings.mail().enabled()) {
            LOG.warn("No SMTP_HOST / BACKUP_ALERT_EMAIL configured: notifications go to the log only");
        }

        // API
        registry.bind("apiAuthenticator", new ApiAuthenticator(new ApiKeys(Path.of(settings.apiKeysFile()))));
        registry.bind("apiResponder", new ApiResponder());
        // reconciliation: the catalog against both buckets
        DocumentsCatalog contentIndex = new DocumentsCatalog(dataSource, migrator, settings.tenantId());
        registry.bind("reconciliation", new Reconciliation(history,
                settings.documents().enabled() ? contentIndex::storedObjects : null, buckets, layout, clock));
        registry.bind("reconciliationApi", new ReconciliationApi());
        // retention: the pure policy and its dry run
        RetentionPolicy retentionPolicy = new RetentionPolicy(settings.retention());
        registry.bind("retentionApi", new RetentionApi(history, retentionPolicy, clock, pins));
        CatalogRebuilder rebuilder = new CatalogRebuilder(history, buckets, layout, clock, settings.catalogRebuildAtStartup(),
                pins, maintenance);
        BackupExpirer expirer = new BackupExpirer(history, buckets, layout, pins, clock, rebuilder::completed);
        ObjectLocking objectLocking = new ObjectLocking(buckets, layout, settings.objectLockMode(),
                settings.retention().dailyDays(), settings.pointInTime().windowDays(), clock);
        registry.bind("objectLocking", objectLocking);
        registry.bind("deletionApi", new DeletionApi(history, retentionPolicy, expirer, clock, pins, maintenance));
        registry.bind("retentionCleanup", new RetentionCleanup(history, retentionPolicy, expirer, clock,
                settings.retentionAfterBackup(), settings.documents().enabled()
                        ? new DocumentsContentCollector(history, contentIndex, buckets, layout, coordinator) : null,
                Duration.ofDays(settings.retention().failedGraceDays()), objectLocking, buckets, pins, maintenance));
        registry.bind("backupApi", new BackupApi(coordinator, history, new ScheduleInspector(context),
                new AuditTrail(dataSource, migrator, settings.tenantId()), incremental, pitr));

        // restore
        PrivateKeySource keys = new PrivateKeySource(settings.pgpPrivateKeyFile(), settings.pgpPassphrase(),
                settings.pgpPassphraseFile(), settings.dataDir());
        DatabaseUrl restoreServer = settings.restoreServer();
        RestoreHistory restores = new RestoreHistory(dataSource, migrator, settings.tenantId());
        RestoreCoordinator restoreCoordinator = new RestoreCoordinator(restores, history, keys,
                settings.restore().databasePrefix(), clock, pins);
        registry.bind("restoreCoordinator", restoreCoordinator);
        ArtifactLocator locator = new ArtifactLocator(history, buckets);
        registry.bind("artifactLocator", locator);
        BackupSettings.Restore rs = settings.restore();
        BinlogReplayer replayer = new BinlogReplayer(locator, keys, restoreServer, binlogCommand, rs.clientCommand(),
                settings.spoolDir(), rs.skipBinlog(), rs.sandbox());
        registry.bind("binlogReplayer", replayer);
        registry.bind("databaseRestorer", new DatabaseRestorer(restoreServer, rs.clientCommand(), keys,
                settings.spoolDir(), rs.skipBinlog(), rs.sandbox(), locator));
        registry.bind("restoreValidator", new RestoreValidator(restoreServer));
        // over production: the validated staging copy takes production's place on the source server (DATABASE_URL's
        // credentials), production's previous tables kept aside; every step journaled, rolled back on any failure
        ProductionSwitch productionSwitch = new ProductionSwitch(source,
                new SwitchJournal(dataSource, migrator, settings.tenantId()),
                settings.catalogInSource() ? OWN_TABLES : List.of(), clock, Duration.ofHours(rs.keepPreviousHours()));
        registry.bind("productionSwitch", productionSwitch);
        registry.bind("productionRestore", new ProductionRestore(productionSwitch, new DatabaseRestorer(source,
                rs.clientCommand(), keys, settings.spoolDir(), false, rs.sandbox(), locator), new RestoreValidator(source),
                history, restoreServer, settings.dumpCommand(), settings.spoolDir(), clock));
        RestoreDrill drill = new RestoreDrill(history, restoreServer);
        registry.bind("restoreDrill", drill);
        DocumentsRestore documentsRestore = new DocumentsRestore(history, locator, keys, buckets, layout, documentsClient,
                ExclusionRules.parse(docs.exclude()), settings.spoolDir());
        registry.bind("documentsRestore", documentsRestore);
        registry.bind("restoreApi", new RestoreApi(restoreCoordinator, restores, drill, pitr, documentsRestore, docs.bucket(),
                docs.prefix(), java.util.Set.of(primary.bucket(), secondary.bucket())));
        registry.bind("productionSwitchApi", new ProductionSwitchApi(productionSwitch, restoreCoordinator));
        RestoreLeftovers leftovers = new RestoreLeftovers(restores, restoreServer, productionSwitch, rs.databasePrefix(),
                rs.isolatedKeepHours(), clock);
        registry.bind("restoreLeftovers", leftovers);
        registry.bind("restoreDatabaseApi", new RestoreDatabaseApi(restores, leftovers));
        warnIfRestoresLandOnProduction(productionSwitch, restoreServer, registry);
        registry.bind("apiRequest", new ApiRequest());
        registry.bind("downloadApi", new DownloadApi(history, buckets, pins));
        context.addStartupListener(new DownloadHttpAdapter(context));

        // the history is an index of the manifests in the buckets: rebuilt from them on demand, and when found empty
        registry.bind("catalogRebuilder", rebuilder);
        registry.bind("catalogApi", new CatalogApi(rebuilder));
        CatalogPreparer preparer = new CatalogPreparer(migrator, coordinator, restoreCoordinator,
                settings.catalogDatabase().toString(), () -> rebuilder.closeCompleted(history.running()),
                new StartupRecovery(pins, expirer, productionSwitch, rebuilder)::run);
        registry.bind("catalogPreparer", preparer);
        preparer.prepare();
    }

    /**
     * Isolated restores and drills on the production server share its disk, memory and CPU with the clinic's
     * database: said loudly at start-up and in {@code GET /api/backup/status} ({@code restoreServer}).
     */
    private static void warnIfRestoresLandOnProduction(ProductionSwitch productionSwitch, DatabaseUrl restoreServer,
            Registry registry) {
        java.util.Map<String, Object> status = new java.util.LinkedHashMap<>();
        try {
            boolean same = productionSwitch.sameServer(restoreServer);
            status.put("sameAsProduction", same);
            if (same) {
                String warning = "isolated restores and drills run on the production database server (set "
                        + "BACKUP_RESTORE_DATABASE_URL to another server): they share its disk and load";
                status.put("warning", warning);
                LOG.warn("{}", warning);
            }
        } catch (Exception e) {
            status.put("sameAsProduction", null);
            status.put("warning", "cannot tell whether restores run on the production server: " + e.getMessage());
        }
        registry.bind("restoreServerStatus", status);
    }

    private static String toolVersion(String command) {
        try {
            return DumpProcess.toolVersion(command);
        } catch (Exception e) {
            LOG.warn("{} is not available ({}): binary-log shipping and point-in-time recovery will fail until it is "
                    + "installed (apt-get install mariadb-client)", command, e.getMessage());
            return command + " (not found)";
        }
    }

    /** The registry behind /observe/metrics (created by Camel's metrics support); a private one if metrics are off. */
    private static MeterRegistry meterRegistry(CamelContext context) {
        MeterRegistry r = context.getRegistry().findSingleByType(MeterRegistry.class);
        return r != null ? r : new SimpleMeterRegistry();
    }

    private static boolean canSkipBinlog(DatabaseUrl url) {
        try (java.sql.Connection c = url.connect(null); java.sql.Statement st = c.createStatement()) {
            try (java.sql.ResultSet rs = st.executeQuery("SELECT @@GLOBAL.log_bin")) {
                if (!rs.next() || rs.getInt(1) == 0) {
                    return false;
                }
            }
            st.execute("SET SESSION sql_log_bin = 0");
            return true;
        } catch (java.sql.SQLException e) {
            LOG.warn("The catalog lives in the source database and its writes cannot be kept out of the binary log ({}): "
                    + "point-in-time recovery will fail on the service's own tables. Grant BINLOG ADMIN to the backup "
                    + "user, or put the catalog in its own database (BACKUP_CATALOG_DATABASE_URL)", e.getMessage());
            return false;
        }
    }

    private static HikariDataSource catalogDataSource(DatabaseUrl url, boolean outOfBinlog) {
        HikariConfig config = new HikariConfig();
        if (outOfBinlog) {
            config.setConnectionInitSql("SET SESSION sql_log_bin = 0");
        }
        config.setPoolName("catalog");
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5000);
        // batches (documents state and content index: thousands of rows) as multi-row INSERTs, not one round trip each
        config.addDataSourceProperty("rewriteBatchedStatements", "true");
        // the service starts even when the database is down; calls fail with a clear error until it is back
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    private static void configureMail(CamelContext context, BackupSettings.Mail mail) {
        if (!mail.enabled()) {
            return;
        }
        MailComponent component = context.getComponent(mail.protocol(), MailComponent.class);
        if (!mail.user().isBlank()) {
            component.getConfiguration().setUsername(mail.user());
            component.getConfiguration().setPassword(mail.password());
        }
        if (mail.startTls()) {
            Properties props = new Properties();
            props.setProperty("mail.smtp.starttls.enable", "true");
            props.setProperty("mail.smtp.starttls.required", "true");
            component.getConfiguration().setAdditionalJavaMailProperties(props);
        }
    }
}
