package br.com.gorgen.backup.documents;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.archive.BackupArchiver;
import br.com.gorgen.backup.crypto.PgpEncryptor;
import br.com.gorgen.backup.crypto.PgpRecipients;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.storage.SignedGetReader;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.testbed.S3Server;
import br.com.gorgen.backup.testbed.TestKeys;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The documented rule for documents that cannot be read, against a real S3Proxy: a document deleted between the
 * listing and its copy is a warning (left out of the snapshot); access denied fails the read, and so the backup.
 */
class DocumentReadRuleTest {
    static S3Server s3;
    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        s3 = new S3Server("docs");
        s3.client().putObject(PutObjectRequest.builder().bucket("docs").key("pacientes/laudo.pdf").build(),
                RequestBody.fromString("laudo"));
        s3.client().putObject(PutObjectRequest.builder().bucket("docs").key("pacientes/vazio.txt").build(),
                RequestBody.fromBytes(new byte[0]));
        s3.client().putObject(PutObjectRequest.builder().bucket("docs").key("exames/cresceu.dcm").build(),
                RequestBody.fromBytes(GREW));
    }

    /** A document listed small that is larger than the pack threshold when read (replaced in between). */
    private static final byte[] GREW = new byte[3 << 20];

    static {
        new java.util.Random(12).nextBytes(GREW);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private static final BackupArchiver ARCHIVER = new BackupArchiver(
            new PgpEncryptor(PgpRecipients.load(TestKeys.shared().publicKey())), 6, 5 << 20);
    private static final BackupKeyLayout LAYOUT = new BackupKeyLayout("p", 1);

    private DocumentsBackup backup(S3Client client) {
        return backup(client, new DocumentsBackup.Packing(0, 16 << 20));
    }

    /** Reads as the service does from a path-style server: bare signed GETs (SignedGetReader) with the client's keys. */
    private DocumentsBackup backup(S3Client client, DocumentsBackup.Packing packing) {
        var credentials = client.serviceClientConfiguration().credentialsProvider();
        SignedGetReader reader = new SignedGetReader(URI.create(s3.endpoint()), "us-east-1", credentials,
                ApacheHttpClient.create());
        return new DocumentsBackup(reader, null, "docs", "", ExclusionRules.parse(""), null, LAYOUT, ARCHIVER, null, 1,
                "etag", packing);
    }

    private Exchange item(String key, DocumentsBackup.Run run) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(DocumentsBackup.PROP_RUN, run);
        exchange.setProperty(BackupHeaders.PROP_WORK_DIR, work);
        exchange.getIn().setBody(new ListedObject(key, 5, "etag", Instant.now()));
        return exchange;
    }

    private DocumentsBackup.Run run() {
        return new DocumentsBackup.Run(Map.of(), ChangePlan.of(Map.of(), List.of(), true), Map.of(), 1, 0,
                new DocumentPacks(ARCHIVER, work, 1, LAYOUT::documentPack));
    }

    @Test
    void aDocumentDeletedAfterTheListingIsAWarningAndLeftOut() throws Exception {
        DocumentsBackup.Run run = run();
        Exchange exchange = item("pacientes/apagado.pdf", run);
        backup(s3.client()).read(exchange);
        assertThat(exchange.getIn().getHeader(DocumentsBackup.STORE_CONTENT, Boolean.class)).isFalse();
        assertThat(run.entries).isEmpty();
        assertThat(run.warnings).singleElement().asString().contains("pacientes/apagado.pdf").contains("deleted");
        try (var files = Files.list(work)) {
            assertThat(files).as("no spool file left").isEmpty();
        }
    }

    @Test
    void aDocumentThatCannotBeReadFailsTheRead() {
        S3Client denied = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY, "wrong")))
                .forcePathStyle(true).build();
        DocumentsBackup.Run run = run();
        assertThatThrownBy(() -> backup(denied).read(item("pacientes/laudo.pdf", run)))
                .hasMessageContaining("403");
        assertThat(run.warnings).isEmpty();
    }

    @Test
    void aReadableDocumentIsHashedAndItsContentClaimedOnce() throws Exception {
        DocumentsBackup.Run run = run();
        DocumentsBackup b = backup(s3.client());
        Exchange first = item("pacientes/laudo.pdf", run);
        b.read(first);
        Exchange second = item("pacientes/laudo.pdf", run);
        b.read(second);
        assertThat(first.getIn().getHeader(DocumentsBackup.STORE_CONTENT, Boolean.class)).isTrue();
        assertThat(second.getIn().getHeader(DocumentsBackup.STORE_CONTENT, Boolean.class)).as("same content").isFalse();
        assertThat(run.entries).hasSize(2).allSatisfy(e -> assertThat(e.sha256())
                .isEqualTo(br.com.gorgen.backup.support.Sha256.of("laudo".getBytes())));
    }

    @Test
    void aSmallDocumentGoesIntoAPackAndThePackItFillsIsStored() throws Exception {
        DocumentsBackup.Run run = run(); // packs of 1 byte: the first content fills one
        DocumentsBackup b = backup(s3.client(), new DocumentsBackup.Packing(1 << 20, 1));
        Exchange first = item("pacientes/laudo.pdf", run);
        b.read(first);
        Exchange copy = item("pacientes/laudo.pdf", run);
        b.read(copy);
        assertThat(first.getIn().getHeader(DocumentsBackup.STORE_CONTENT, Boolean.class)).isTrue();
        assertThat(first.getIn().getHeader(BackupHeaders.STORE_KEY, String.class))
                .startsWith("p/tenant-1/documents/packs/").endsWith(".tar.gz.gpg");
        assertThat(copy.getIn().getHeader(DocumentsBackup.STORE_CONTENT, Boolean.class)).as("same content").isFalse();
        Path pack = Path.of(first.getIn().getHeader(BackupHeaders.STORE_FILE, String.class));
        Path out = Files.createTempDirectory("pack-");
        TestKeys.shared().decryptGunzip(pack, out.resolve("pack.tar"));
        String sha = br.com.gorgen.backup.support.Sha256.of("laudo".getBytes());
        br.com.gorgen.backup.testbed.Cli.Result tar = br.com.gorgen.backup.testbed.Cli.bash("tar -xf " + out.resolve("pack.tar")
                + " -C " + out + " && cat " + out.resolve(sha.substring(0, 2)).resolve(sha), java.util.Map.of(), 60);
        assertThat(tar.stdout()).isEqualTo("laudo");
    }

    @Test
    void aDocumentThatGrewPastThePackThresholdAfterTheListingIsStoredAlone() throws Exception {
        DocumentsBackup.Run run = run();
        Exchange exchange = item("exames/cresceu.dcm", run); // listed as 5 bytes
        backup(s3.client(), new DocumentsBackup.Packing(1 << 20, 12 << 20)).read(exchange);
        String sha = br.com.gorgen.backup.support.Sha256.of(GREW);
        assertThat(exchange.getIn().getHeader(DocumentsBackup.STORE_CONTENT, Boolean.class)).isTrue();
        assertThat(exchange.getIn().getHeader(BackupHeaders.STORE_KEY, String.class))
                .isEqualTo(LAYOUT.documentContent(sha));
        assertThat(run.entries).singleElement().satisfies(e -> {
            assertThat(e.size()).isEqualTo(GREW.length);
            assertThat(e.sha256()).isEqualTo(sha);
        });
        Path out = Files.createTempDirectory("grew-");
        TestKeys.shared().decryptGunzip(Path.of(exchange.getIn().getHeader(BackupHeaders.STORE_FILE, String.class)),
                out.resolve("d"));
        assertThat(Files.readAllBytes(out.resolve("d"))).isEqualTo(GREW);
    }

    @Test
    void anEmptyDocumentIsPackedAndComesBackEmpty() throws Exception {
        DocumentsBackup.Run run = run();
        Exchange exchange = item("pacientes/vazio.txt", run);
        backup(s3.client(), new DocumentsBackup.Packing(1 << 20, 1)).read(exchange);
        String sha = br.com.gorgen.backup.support.Sha256.of(new byte[0]);
        assertThat(exchange.getIn().getHeader(BackupHeaders.STORE_KEY, String.class)).contains("/documents/packs/");
        Path out = Files.createTempDirectory("empty-");
        TestKeys.shared().decryptGunzip(Path.of(exchange.getIn().getHeader(BackupHeaders.STORE_FILE, String.class)),
                out.resolve("pack.tar"));
        br.com.gorgen.backup.testbed.Cli.bash("tar -xf " + out.resolve("pack.tar") + " -C " + out, java.util.Map.of(), 60);
        assertThat(out.resolve(sha.substring(0, 2)).resolve(sha)).exists().isEmptyFile();
    }
}
