package br.com.gorgen.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import br.com.gorgen.backup.settings.S3Target;
import br.com.gorgen.backup.support.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the S3 client puts on the wire for an upload over plain HTTP: the body as it is, neither in the SDK's
 * {@code aws-chunked} signed chunks (which S3-compatible servers parse slowly or not at all) nor hashed for the
 * signature ({@code UNSIGNED-PAYLOAD}, as over HTTPS: the server checks the body by its {@code Content-MD5}), and no
 * {@code Expect: 100-continue} round trip. A one-request HTTP listener records the request.
 */
class S3ClientFactoryTest {
    @Test
    void aSinglePutOverHttpSendsThePlainBodyUnsignedWithItsContentMd5(@TempDir Path dir) throws Exception {
        byte[] content = new byte[300_000];
        new Random(11).nextBytes(content);
        Path file = dir.resolve("pack.tar.gz.gpg");
        Files.write(file, content);
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<List<String>> headers = CompletableFuture.supplyAsync(() -> answerOnePut(server));
            try (S3Client client = S3ClientFactory.create(new S3Target("primary", "http://127.0.0.1:" + server.getLocalPort(),
                    "us-east-1", "key", "secret", "b"), true, "when_required")) {
                client.putObject(b -> b.bucket("b").key("k").contentMD5(md5), RequestBody.fromFile(file));
            }
            List<String> h = headers.get(30, TimeUnit.SECONDS);
            assertThat(h).noneMatch(l -> l.toLowerCase().startsWith("content-encoding: aws-chunked"))
                    .noneMatch(l -> l.toLowerCase().startsWith("expect:"))
                    .anyMatch(l -> l.equalsIgnoreCase("x-amz-content-sha256: UNSIGNED-PAYLOAD"))
                    .anyMatch(l -> l.equalsIgnoreCase("content-md5: " + md5))
                    .anyMatch(l -> l.toLowerCase().startsWith("authorization: aws4-hmac-sha256 ")
                            && l.toLowerCase().contains("content-md5"))
                    .anyMatch(l -> l.equalsIgnoreCase("content-length: " + content.length));
        }
    }

    @Test
    void withUnsignedPayloadOffTheBodyIsSignedByItsSha256(@TempDir Path dir) throws Exception {
        byte[] content = new byte[100_000];
        new Random(13).nextBytes(content);
        Path file = dir.resolve("dump.sql.gz.gpg");
        Files.write(file, content);
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<List<String>> headers = CompletableFuture.supplyAsync(() -> answerOnePut(server));
            try (S3Client client = S3ClientFactory.create(new S3Target("primary", "http://127.0.0.1:" + server.getLocalPort(),
                    "us-east-1", "key", "secret", "b"), true, "when_required", false)) {
                client.putObject(b -> b.bucket("b").key("k"), RequestBody.fromFile(file));
            }
            assertThat(headers.get(30, TimeUnit.SECONDS))
                    .noneMatch(l -> l.toLowerCase().startsWith("content-encoding: aws-chunked"))
                    .anyMatch(l -> l.equalsIgnoreCase("x-amz-content-sha256: " + Sha256.of(content)));
        }
    }

    @Test
    void aStreamedPartOverHttpIsNeitherChunkedNorHashed() throws Exception {
        byte[] content = new byte[200_000];
        new Random(12).nextBytes(content);
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<List<String>> headers = CompletableFuture.supplyAsync(() -> answerOnePut(server));
            try (S3Client client = S3ClientFactory.create(new S3Target("primary", "http://127.0.0.1:" + server.getLocalPort(),
                    "us-east-1", "key", "secret", "b"), true, "when_required")) {
                client.uploadPart(b -> b.bucket("b").key("k").uploadId("u").partNumber(1),
                        RequestBody.fromInputStream(new ByteArrayInputStream(content), content.length));
            }
            assertThat(headers.get(30, TimeUnit.SECONDS))
                    .noneMatch(l -> l.toLowerCase().startsWith("content-encoding: aws-chunked"))
                    .anyMatch(l -> l.equalsIgnoreCase("x-amz-content-sha256: UNSIGNED-PAYLOAD"))
                    .anyMatch(l -> l.equalsIgnoreCase("content-length: " + content.length));
        }
    }

    /** Reads one request (headers, then Content-Length bytes) and answers 200 with an ETag. */
    private static List<String> answerOnePut(ServerSocket server) {
        try (Socket s = server.accept()) {
            var in = s.getInputStream();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1);
            List<String> lines = new ArrayList<>();
            long length = 0;
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                lines.add(line);
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).strip());
                }
            }
            for (long i = 0; i < length; i++) {
                reader.read();
            }
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nETag: \"abc\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return lines;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
