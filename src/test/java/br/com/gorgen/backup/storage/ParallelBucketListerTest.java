package br.com.gorgen.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import br.com.gorgen.backup.testbed.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The parallel lister against S3Proxy (filesystem store): the same objects as a plain sequential listing, once each,
 * in S3 order, whether it never splits a folder, always does, or does so by its timing.
 */
class ParallelBucketListerTest {
    private static S3Server s3;
    private static ExecutorService pool;
    private static final List<String> KEYS = new ArrayList<>();

    @BeforeAll
    static void start() {
        s3 = new S3Server("listing");
        pool = Executors.newFixedThreadPool(4);
        IntStream.range(0, 1300).forEach(i -> KEYS.add("docs/pacientes/00" + (i % 40) + " - José da Silva/exame " + i + ".pdf"));
        IntStream.range(0, 1100).forEach(i -> KEYS.add("docs/financeiro/2024/NF-e nº " + i + ".xml"));
        IntStream.range(0, 30).forEach(i -> KEYS.add("docs/raiz " + i + ".txt"));
        // 300 patients' folders: split when slow, the folders left after the slow page are listed in groups by the
        // first characters of their names ("docs/clínica/020"...); one group holds a folder of 1100 keys, so it is
        // slow too and split into its folders
        IntStream.range(0, 1500).forEach(i -> KEYS.add("docs/clínica/" + String.format("%04d", i % 300) + " - Paciente/laudo "
                + i + ".pdf"));
        IntStream.range(0, 1100).forEach(i -> KEYS.add("docs/clínica/0250 - Grande/imagem " + i + ".dcm"));
        KEYS.addAll(List.of("docs/clínica/0255 solto.pdf", "docs/clínica/0299 - Paciente.pdf", "docs/clínica/03"));
        KEYS.addAll(List.of("docs/ção.pdf", "docs/a/b/c/d/profundo.pdf", "docs/a/bc", "docs/a-irmão.pdf", "docs/😀 emoji.txt",
                "outros/fora do prefixo.pdf"));
        KEYS.parallelStream().forEach(k -> s3.client().putObject(b -> b.bucket("listing").key(k), RequestBody.fromString(k)));
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        s3.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 86_400_000})
    void listsWhatASequentialListingLists(long slowPageMillis) throws Exception {
        List<String> reference = new ArrayList<>();
        for (S3Object o : s3.client().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket("listing").prefix("docs/")
                .build()).contents()) {
            if (!o.key().endsWith("/")) {
                reference.add(o.key());
            }
        }
        assertThat(reference).hasSize(KEYS.size() - 1);

        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService counting = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable command) {
                requests.incrementAndGet();
                pool.execute(command);
            }

            @Override
            public void shutdown() {
            }

            @Override
            public List<Runnable> shutdownNow() {
                return List.of();
            }

            @Override
            public boolean isShutdown() {
                return false;
            }

            @Override
            public boolean isTerminated() {
                return false;
            }

            @Override
            public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
                return false;
            }
        };
        List<S3Object> listed = new ParallelBucketLister(s3.client(), counting, Duration.ofMillis(slowPageMillis))
                .list("listing", "docs/");
        List<String> keys = listed.stream().map(S3Object::key).filter(k -> !k.endsWith("/")).toList();
        assertThat(keys).as("same keys, once each, in S3 order").containsExactlyElementsOf(reference);
        if (slowPageMillis == 0) {
            // every page slow: the ~100 clínica folders left after its slow first page go in ~10 groups (one of them
            // split into its folders), not ~100 requests; the 40 pacientes folders left are too few to group
            assertThat(requests.get()).as("requests (one per folder: over 140)").isBetween(30, 70);
        }
        assertThat(listed).allSatisfy(o -> {
            if (!o.key().endsWith("/")) {
                assertThat(o.size()).isEqualTo(o.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                assertThat(o.eTag()).isNotBlank();
                assertThat(o.lastModified()).isNotNull();
            }
        });
    }

    @org.junit.jupiter.api.Test
    void s3OrderIsByCodePoint() {
        assertThat(ParallelBucketLister.compareKeys("a\uFFFF", "a😀")).isNegative(); // String.compareTo says positive
        assertThat(ParallelBucketLister.compareKeys("a/", "a0")).isNegative();
        assertThat(ParallelBucketLister.compareKeys("ab", "a")).isPositive();
        assertThat(ParallelBucketLister.compareKeys("ção", "ção")).isZero();
    }
}
