package br.com.gorgen.backup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.crypto.PgpKeyGenerator;
import br.com.gorgen.backup.testbed.Cli;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static br.com.gorgen.backup.testbed.ServiceTestBed.ADMIN_KEY;
import static br.com.gorgen.backup.testbed.ServiceTestBed.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/RESTORE.md can never rot: this test takes the marked block of commands out of the document and runs it
 * literally with the real sha256sum, gpg, gunzip, sed and mariadb tools on a backup downloaded from the
 * disaster-recovery bucket, then compares the restored database with the source.
 */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RestoreDocumentationTest {
    static ServiceTestBed bed;
    static Path keys;

    @BeforeAll
    static void startServices() throws Exception {
        bed = new ServiceTestBed("gorgen_docs_src");
        // an operator's restore machine: the private key imported into gpg (without a passphrase, so that the
        // documented gpg --decrypt needs no prompt in a test)
        keys = Files.createTempDirectory("gorgen-doc-keys-");
        PgpKeyGenerator.GeneratedKey key = new PgpKeyGenerator().generate("GORGEN Docs <docs@gorgen.local>", new char[0]);
        key.writePublicKey(keys.resolve("public.asc"));
        key.writeSecretKey(keys.resolve("secret.asc"));
        Path gnupg = Files.createDirectory(keys.resolve("gnupg"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Cli.bash("gpg --batch --import " + keys.resolve("secret.asc"), Map.of("GNUPGHOME", gnupg.toString()), 60);
        bed.with("backup.pgp.public.key.file", keys.resolve("public.asc").toString())
                .with("documents.s3.bucket", ServiceTestBed.DOCUMENTS).applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void theDocumentedCommandsRestoreABackupDownloadedFromTheBucket() throws Exception {
        long id = bed.runFullBackup();
        JsonNode row = bed.backup(id);

        // "download" both files, as aws s3 cp / rclone / the browser would
        Path work = Files.createTempDirectory("gorgen-doc-restore-");
        String key = row.get("filePath").asText();
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        bed.s3.download(SECONDARY, key, work.resolve(fileName));
        bed.s3.download(SECONDARY, row.get("manifestPath").asText(), work.resolve("manifest.json"));

        // the operator's client configuration
        Path home = Files.createTempDirectory("gorgen-doc-home-");
        Files.writeString(home.resolve(".my.cnf"), "[client]\nuser=root\nsocket=" + bed.db.socket() + "\n");

        String block = documentedBlock();
        String database = "gorgen_restaurado_doc";
        bed.db.execRoot(null, "DROP DATABASE IF EXISTS " + database);
        Cli.Result result = Cli.bash("set -e\ncd " + work + "\n" + block, Map.of("ARQUIVO", fileName, "BANCO", database,
                "HOME", home.toString(), "GNUPGHOME", keys.resolve("gnupg").toString()), 300);

        assertThat(result.stdout()).contains(fileName + ": OK").contains("400");
        List<String> tables = new ArrayList<>(List.of("tenants", "pacientes", "atendimentos", "audit_logs"));
        assertThat(bed.db.rowCounts(database)).containsEntry("pacientes", 400L).containsEntry("atendimentos", 1500L)
                .doesNotContainKeys("backup_history");
        assertThat(bed.db.checksums(database, tables)).isEqualTo(bed.db.checksums(bed.database, tables));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void theDocumentedChecksumStepRejectsACorruptFile() throws Exception {
        Path work = Files.createTempDirectory("gorgen-doc-corrupt-");
        Files.writeString(work.resolve("manifest.json"), "{\n  \"artifact\" : {\n    \"sha256\" : \""
                + "0".repeat(64) + "\"\n  }\n}\n");
        Files.writeString(work.resolve("backup.sql.gz.gpg"), "not the backup");
        String checksumStep = documentedBlock().lines().takeWhile(l -> !l.startsWith("# 2."))
                .reduce("", (a, b) -> a + b + "\n");
        Cli.Result r = Cli.run(List.of("bash", "-c", "set -e\ncd " + work + "\n" + checksumStep),
                Map.of("ARQUIVO", "backup.sql.gz.gpg"), 30);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stdout()).contains("FAILED");
    }

    @Test
    @org.junit.jupiter.api.Order(3) // last: it changes the source database
    void theDocumentedPointInTimeStepsRecoverTheRowsOfThatMoment() throws Exception {
        long id = bed.runFullBackup();
        JsonNode full = bed.backup(id);
        bed.db.execRoot(bed.database, "INSERT INTO pacientes (tenant_id, nome) VALUES (1, 'Paciente do meio-dia')",
                "UPDATE pacientes SET observacoes = 'antes do erro' WHERE id % 3 = 0");
        bed.shipBinlogs();
        java.time.Instant t = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
        await().pollInterval(Duration.ofMillis(50)).until(() -> java.time.Instant.now().isAfter(t.plusMillis(20)));
        List<String> atT = bed.db.names(bed.database, "SELECT CONCAT_WS('|', id, nome, IFNULL(observacoes, '-')) "
                + "FROM pacientes ORDER BY id");
        bed.db.execRoot(bed.database, "UPDATE pacientes SET nome = 'ERRO'", "DELETE FROM atendimentos");
        bed.shipBinlogs();

        // the operator downloads the full backup's folder and, into binlogs/, the binlog folders from its snapshot on
        Path work = Files.createTempDirectory("gorgen-doc-pitr-");
        String key = full.get("filePath").asText();
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        bed.s3.download(SECONDARY, key, work.resolve(fileName));
        bed.s3.download(SECONDARY, full.get("manifestPath").asText(), work.resolve("manifest.json"));
        int start = (int) br.com.gorgen.backup.binlog.ShipmentPlan.FileName.parse(full.get("binlogFile").asText()).sequence();
        for (JsonNode b : bed.shippedBinlogs()) {
            if (br.com.gorgen.backup.binlog.ShipmentPlan.FileName.parse(b.get("binlogFile").asText()).sequence() < start) {
                continue;
            }
            String folder = b.get("manifestPath").asText().replaceAll("/manifest.json$", "");
            Path local = Files.createDirectories(work.resolve("binlogs").resolve(folder.substring(folder.lastIndexOf('/') + 1)));
            String artifact = b.get("filePath").asText();
            bed.s3.download(SECONDARY, artifact, local.resolve(artifact.substring(artifact.lastIndexOf('/') + 1)));
            bed.s3.download(SECONDARY, b.get("manifestPath").asText(), local.resolve("manifest.json"));
        }
        Path home = Files.createTempDirectory("gorgen-doc-home-");
        Files.writeString(home.resolve(".my.cnf"), "[client]\nuser=root\nsocket=" + bed.db.socket() + "\n");
        String database = "gorgen_pitr_doc";
        bed.db.execRoot(null, "DROP DATABASE IF EXISTS " + database);
        String instant = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC)
                .format(t);
        Cli.Result result = Cli.bash("set -e\ncd " + work + "\n" + documentedBlock("restore-steps") + "\n"
                + documentedBlock("pitr-steps"), Map.of("ARQUIVO", fileName, "BANCO", database, "INSTANTE_UTC", instant,
                "HOME", home.toString(), "GNUPGHOME", keys.resolve("gnupg").toString()), 300);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains(": OK");
        assertThat(bed.db.names(database, "SELECT CONCAT_WS('|', id, nome, IFNULL(observacoes, '-')) FROM pacientes "
                + "ORDER BY id")).isEqualTo(atT);
        assertThat(bed.db.rowCounts(database).get("atendimentos")).isEqualTo(1500L);
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void theDocumentedDocumentStepsRestoreEveryDocumentOfASnapshot() throws Exception {
        Map<String, byte[]> docs = new java.util.LinkedHashMap<>();
        docs.put("pacientes/12/laudo ção nº 1.pdf", "laudo um".getBytes());
        docs.put("pacientes/12/exame (2).jpg", new byte[70_000]);
        docs.put("raiz.txt", "raiz".getBytes());
        docs.put("modelos/cópia idêntica.txt", "raiz".getBytes());
        byte[] large = new byte[1_500_000]; // above the pack threshold: its own object
        new java.util.Random(5).nextBytes(large);
        docs.put("exames/tomografia grande.dcm", large);
        for (Map.Entry<String, byte[]> d : docs.entrySet()) {
            bed.s3.client().putObject(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder()
                    .bucket(ServiceTestBed.DOCUMENTS).key(d.getKey()).build(),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(d.getValue()));
        }
        ServiceTestBed.Response r = bed.postJson("/api/backup/trigger", ADMIN_KEY, "{\"type\":\"documents-full\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        long id = r.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> bed.backup(id).get("status").asText().equals("success"));
        JsonNode row = bed.backup(id);

        // the operator downloads the snapshot folder and syncs the content and pack folders into conteudo/, pacotes/
        Path work = Files.createTempDirectory("gorgen-doc-documents-");
        bed.s3.download(SECONDARY, row.get("filePath").asText(), work.resolve("snapshot.jsonl.gz.gpg"));
        bed.s3.download(SECONDARY, row.get("manifestPath").asText(), work.resolve("manifest.json"));
        for (String[] folder : new String[][] {{"content/", "conteudo"}, {"packs/", "pacotes"}}) {
            String remote = "gorgen-backup/tenant-1/documents/" + folder[0];
            for (String k : bed.s3.keys(SECONDARY, remote)) {
                if (k.endsWith(".gz.gpg")) {
                    Path local = work.resolve(folder[1]).resolve(k.substring(remote.length()));
                    Files.createDirectories(local.getParent());
                    bed.s3.download(SECONDARY, k, local);
                }
            }
        }
        assertThat(work.resolve("conteudo")).isDirectory();
        assertThat(work.resolve("pacotes")).isDirectory();
        Cli.Result result = Cli.bash("set -e\ncd " + work + "\n" + documentedBlock("documents-steps"),
                Map.of("GNUPGHOME", keys.resolve("gnupg").toString()), 120);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("snapshot.jsonl.gz.gpg: OK").contains("documentos restaurados: 5 de 5");
        for (Map.Entry<String, byte[]> d : docs.entrySet()) {
            assertThat(Files.readAllBytes(work.resolve("restaurados").resolve(d.getKey()))).as(d.getKey())
                    .isEqualTo(d.getValue());
        }
    }

    static String documentedBlock() throws Exception {
        return documentedBlock("restore-steps");
    }

    static String documentedBlock(String name) throws Exception {
        String doc = Files.readString(Path.of("docs/RESTORE.md"));
        Matcher m = Pattern.compile("<!-- " + name + ":begin -->\\s*```bash\\n(.*?)```\\s*<!-- " + name + ":end -->",
                Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("docs/RESTORE.md has a " + name + " block").isTrue();
        return m.group(1);
    }
}
