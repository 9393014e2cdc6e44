package br.com.gorgen.backup.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists every object under a prefix, each exactly once, in S3 key order, with a few requests in parallel.
 *
 * <p>The prefix is listed with delimiter "/" (its direct objects and its folders), then every folder is paged flat,
 * in parallel, 1000 keys a request, as S3 and MinIO serve best. A folder is split further (one delimiter listing for
 * its direct objects and sub-folders, each handled the same way) only when its first page is both truncated and
 * slower than a threshold: servers whose page cost grows with the size of the folder (S3Proxy's filesystem store
 * walks the whole folder for every page) get their work cut into small folders, the others are paged as usual. The
 * slow page is kept: what it returned is not asked again. Timing only changes which requests are made, never the
 * result.
 *
 * <p>Only the calling thread waits; the pool runs single requests, so it may be any pool, even one the caller uses
 * next. A listing with startAfter is never combined with a delimiter (S3Proxy then drops the folder holding that key).
 */
public final class ParallelBucketLister {
    private final S3Client s3;
    private final ExecutorService pool;
    private final long slowNanos;

    public ParallelBucketLister(S3Client s3, ExecutorService pool, Duration slowPage) {
        this.s3 = s3;
        this.pool = pool;
        this.slowNanos = slowPage.toNanos();
    }

    /** One request: a prefix, flat or by folder, from a continuation token, keeping only keys after {@code after}. */
    private record Task(String prefix, boolean byFolder, String token, String after) {
    }

    private record Page(Task task, List<S3Object> objects, List<String> folders, String next, boolean slow) {
    }

    /** Every object whose key starts with {@code prefix}, sorted in S3 order (UTF-8 bytes, i.e. code points). */
    public List<S3Object> list(String bucket, String prefix) throws InterruptedException {
        CompletionService<Page> requests = new ExecutorCompletionService<>(pool);
        List<Future<Page>> submitted = new ArrayList<>();
        List<S3Object> out = new ArrayList<>();
        submitted.add(requests.submit(() -> fetch(bucket, new Task(prefix, true, null, null))));
        try {
            for (int pending = 1; pending > 0; pending--) {
                Page p = requests.take().get();
                for (Task t : next(p, out)) {
                    submitted.add(requests.submit(() -> fetch(bucket, t)));
                    pending++;
                }
            }
        } catch (ExecutionException e) {
            submitted.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("listing s3://" + bucket + "/" + prefix + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            submitted.forEach(f -> f.cancel(true));
            throw e;
        }
        out.sort((a, b) -> compareKeys(a.key(), b.key()));
        return out;
    }

    /** Takes a page's objects into {@code out} and says which requests follow from it. */
    private static List<Task> next(Page p, List<S3Object> out) {
        Task t = p.task();
        String after = t.after();
        List<Task> next = new ArrayList<>();
        if (t.byFolder()) {
            for (S3Object o : p.objects()) {
                if (after == null || compareKeys(o.key(), after) > 0) {
                    out.add(o);
                }
            }
            for (String folder : p.folders()) {
                boolean holdsAfter = after != null && after.startsWith(folder);
                if (after == null || holdsAfter || compareKeys(folder, after) > 0) { // else it was all on the slow page
                    next.add(new Task(folder, false, null, holdsAfter ? after : null));
                }
            }
            if (p.next() != null) {
                next.add(new Task(t.prefix(), true, p.next(), after));
            }
        } else {
            out.addAll(p.objects());
            if (p.next() != null && t.token() == null && p.slow() && !p.objects().isEmpty()) {
                next.add(new Task(t.prefix(), true, null, p.objects().get(p.objects().size() - 1).key()));
            } else if (p.next() != null) {
                next.add(new Task(t.prefix(), false, p.next(), after));
            }
        }
        return next;
    }

    private Page fetch(String bucket, Task t) {
        ListObjectsV2Request.Builder b = ListObjectsV2Request.builder().bucket(bucket).prefix(t.prefix()).maxKeys(1000);
        if (t.byFolder()) {
            b.delimiter("/");
        }
        if (t.token() != null) {
            b.continuationToken(t.token());
        } else if (t.after() != null && !t.byFolder()) {
            b.startAfter(t.after());
        }
        long start = System.nanoTime();
        ListObjectsV2Response r = s3.listObjectsV2(b.build());
        return new Page(t, r.contents(), r.commonPrefixes().stream().map(CommonPrefix::prefix).toList(),
                Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null,
                System.nanoTime() - start > slowNanos);
    }

    /** S3's key order: by UTF-8 bytes, which is code point order ({@link String#compareTo} differs on surrogates). */
    static int compareKeys(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int a = x.codePointAt(i);
            int b = y.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(x.length() - i, y.length() - j);
    }
}
