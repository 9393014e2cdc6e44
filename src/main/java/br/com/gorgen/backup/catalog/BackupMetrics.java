package br.com.gorgen.backup.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Backup outcomes as metrics (Prometheus text at /observe/metrics): runs by type and outcome, duration, stored
 * size, and the time of the last success per type, from which "no backup in 24 h" is one alert rule away.
 */
public class BackupMetrics {
    private final Supplier<MeterRegistry> registrySource;
    private volatile MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastStoredBytes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> coveredUntil = new ConcurrentHashMap<>();

    /** @param registrySource the registry Camel's metrics support exposes (it exists only once Camel has started) */
    public BackupMetrics(Supplier<MeterRegistry> registrySource) {
        this.registrySource = registrySource;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = registrySource.get();
            registry = r;
        }
        return r;
    }

    public void succeeded(String type, Instant startedAt, Instant completedAt, long storedBytes) {
        record(type, "success", startedAt, completedAt);
        gauge("gorgen_backup_last_success_timestamp_seconds", "Time of the last successful backup", type, lastSuccess)
                .set(completedAt.getEpochSecond());
        gauge("gorgen_backup_last_stored_bytes", "Stored size of the last successful backup", type, lastStoredBytes)
                .set(storedBytes);
    }

    /**
     * The time of the last binary-log event a successful transactional or incremental backup holds: how far the data
     * is recoverable ({@code time() - it} is the recovery point lag; alert above two shipping intervals).
     */
    public void coveredUntil(String type, Instant lastEvent) {
        gauge("gorgen_backup_covered_until_timestamp_seconds", "Time of the last binary-log event stored", type, coveredUntil)
                .set(lastEvent.getEpochSecond());
    }

    /** One stored object verified after upload, by {@code etag} (the server's answer) or {@code readback}. */
    public void storeVerified(String method) {
        Counter.builder("gorgen_backup_store_verifications").description("Objects verified after upload, by method")
                .tag("method", method).register(registry()).increment();
    }

    /**
     * One secondary-bucket copy handled by the replica: {@code copied} by the S3 service, or {@code refused} (then
     * uploaded from this server).
     */
    public void secondaryReplica(String outcome) {
        Counter.builder("gorgen_backup_secondary_server_copies")
                .description("Secondary-bucket copies made by the S3 service (copied) or refused by it (refused)")
                .tag("outcome", outcome).register(registry()).increment();
    }

    public void failed(String type, Instant startedAt, Instant completedAt) {
        record(type, "failed", startedAt, completedAt);
    }

    private void record(String type, String outcome, Instant startedAt, Instant completedAt) {
        Counter.builder("gorgen_backup_runs").description("Backup runs by type and outcome").tag("type", type)
                .tag("outcome", outcome).register(registry()).increment();
        Timer.builder("gorgen_backup_duration").description("Wall time of backup runs").tag("type", type)
                .tag("outcome", outcome).register(registry()).record(Duration.between(startedAt, completedAt));
    }

    private AtomicLong gauge(String name, String description, String type, Map<String, AtomicLong> values) {
        return values.computeIfAbsent(type, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).tag("type", t).register(registry());
            return value;
        });
    }
}
