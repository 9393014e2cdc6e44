package br.com.gorgen.backup.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * Ceph's S3 gateway (radosgw) on a throwaway single-node cluster, started once per test JVM from Debian's packages:
 * the S3-compatible server here with real S3 Object Lock (a locked version cannot be deleted before its date) and
 * versioning, which S3Proxy does not have. Started by {@code src/test/resources/radosgw/start.sh}; ~15 s.
 */
public final class RadosGateway {
    public static final String INSTALL_HINT = "install Ceph's S3 gateway with `apt-get install -y "
            + "--no-install-recommends radosgw ceph-mon ceph-osd curl` (.ci/run does this on a fresh machine)";
    public static final String ACCESS_KEY = "gorgen-rgw-access";
    public static final String SECRET_KEY = "gorgen-rgw-secret";

    private static RadosGateway instance;

    private final Path dir;
    private final Path scripts;
    private final int port;
    private S3Client client;

    private RadosGateway(Path dir, Path scripts, int port) {
        this.dir = dir;
        this.scripts = scripts;
        this.port = port;
    }

    public static synchronized RadosGateway shared() {
        if (instance == null) {
            for (String program : List.of("radosgw", "radosgw-admin", "ceph-mon", "ceph-osd", "ceph", "ceph-authtool",
                    "monmaptool", "curl")) {
                Cli.which(program, INSTALL_HINT);
            }
            try {
                Path dir = Files.createTempDirectory("gorgen-radosgw-");
                Path scripts = Files.createTempDirectory("gorgen-radosgw-scripts-");
                for (String script : List.of("start.sh", "stop.sh")) {
                    try (InputStream in = RadosGateway.class.getResourceAsStream("/radosgw/" + script)) {
                        Files.copy(in, scripts.resolve(script), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                // a free port can be taken between its choice and the daemon's bind (a monitor answering with
                // another cluster's fsid was seen once): a failed start is cleaned up and tried once more on new ports
                RadosGateway gateway = new RadosGateway(dir.resolve("cluster"), scripts, MariaDbServer.freePort());
                try {
                    gateway.start();
                } catch (AssertionError first) {
                    gateway.stop();
                    gateway = new RadosGateway(dir.resolve("cluster"), scripts, MariaDbServer.freePort());
                    try {
                        gateway.start();
                    } catch (AssertionError second) {
                        gateway.stop();
                        second.addSuppressed(first);
                        throw second;
                    }
                }
                Runtime.getRuntime().addShutdownHook(new Thread(gateway::stop));
                instance = gateway;
            } catch (IOException e) {
                throw new AssertionError("cannot prepare the radosgw test server: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    private void start() {
        int monPort = MariaDbServer.freePort();
        while (monPort == port) {
            monPort = MariaDbServer.freePort();
        }
        Cli.Result r = Cli.run(List.of("bash", scripts.resolve("start.sh").toString(), dir.toString(),
                String.valueOf(port), String.valueOf(monPort), ACCESS_KEY, SECRET_KEY), Map.of(), 240);
        if (r.exitCode() != 0) {
            throw new AssertionError("radosgw did not start (exit " + r.exitCode() + "): " + r.stderr() + r.stdout()
                    + "\n" + INSTALL_HINT);
        }
    }

    private void stop() {
        Cli.run(List.of("bash", scripts.resolve("stop.sh").toString(), dir.toString()), Map.of(), 60);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public synchronized S3Client client() {
        if (client == null) {
            client = S3Server.pathStyleClient(endpoint(), ACCESS_KEY, SECRET_KEY);
        }
        return client;
    }

    /** A bucket created with S3 Object Lock (and so versioning) enabled. */
    public void createLockedBucket(String bucket) {
        client().createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
    }

    /** A bucket with versioning enabled (no Object Lock). */
    public void createVersionedBucket(String bucket) {
        client().createBucket(b -> b.bucket(bucket));
        client().putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    }

    /** Every version and delete marker under a prefix, as "key@versionId" (markers end in " (delete marker)"). */
    public List<String> versions(String bucket, String prefix) {
        List<String> out = new java.util.ArrayList<>();
        for (var page : client().listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(prefix))) {
            page.versions().forEach(v -> out.add(v.key() + "@" + v.versionId()));
            page.deleteMarkers().forEach(m -> out.add(m.key() + "@" + m.versionId() + " (delete marker)"));
        }
        return out;
    }
}
