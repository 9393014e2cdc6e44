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
 * <p>A split folder with many sub-folders (patients' folders, say) is not listed one request per sub-folder: the
 * sub-folders are gathered into about {@value #GROUPS} groups by the first characters of their names ("pacientes/000",
 * "pacientes/001"...), each paged flat; a group whose first page is slow too is split into its folders. The direct
 * objects of the split folder (which the delimiter listing returned) are left out of its groups' pages. For the
 * documents benchmark's bucket (10,000 documents in 833 patients' folders) that is 275 requests instead of 777; on
 * S3Proxy the time is the same (its cost is per key listed, about 60 µs, not per request), on a remote S3 service every
 * request saved is a round trip.
 *
 * <p>Only the calling thread waits; the pool runs single requests, so it may be any pool, even one the caller uses
 * next. A listing with startAfter is never combined with a delimiter (S3Proxy then drops the folder holding that key).
 */
public final class ParallelBucketLister {
    /** About how many groups a split folder's sub-folders are gathered into. */
    static final int GROUPS = 8;
    /** Fewer sub-folders than this are listed one request each. */
    static final int GROUP_FROM = 3 * GROUPS;

    private final S3Client s3;
    private final ExecutorService pool;
    private final long slowNanos;

    public ParallelBucketLister(S3Client s3, ExecutorService pool, Duration slowPage) {
        this.s3 = s3;
        this.pool = pool;
        this.slowNanos = slowPage.toNanos();
    }

    /**
     * One request: a prefix, flat or by folder, from a continuation token, keeping only keys after {@code after}. A
     * group (flat) also names its folders, all under {@code parent}: only keys in them are kept.
     */
    private record Task(String prefix, boolean byFolder, String token, String after, String parent, List<String> folders) {
        Task(String prefix, boolean byFolder, String token, String after) {
            this(prefix, byFolder, token, after, null, null);
        }

        boolean group() {
            return folders != null;
        }

        /** The same request, from the next page. */
        Task next(String nextToken) {
            return new Task(prefix, byFolder, nextToken, after, parent, folders);
        }
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
            List<String> folders = new ArrayList<>();
            for (String folder : p.folders()) {
                if (after == null || after.startsWith(folder) || compareKeys(folder, after) > 0) { // else on the slow page
                    folders.add(folder);
                }
            }
            if (p.next() == null && t.token() == null && folders.size() >= GROUP_FROM) {
                next.addAll(groups(t.prefix(), folders, after)); // all the sub-folders are known: none on another page
            } else {
                for (String folder : folders) {
                    next.add(new Task(folder, false, null, after != null && after.startsWith(folder) ? after : null));
                }
            }
            if (p.next() != null) {
                next.add(t.next(p.next()));
            }
        } else if (t.group()) {
            List<S3Object> mine = p.objects().stream().filter(o -> o.key().indexOf('/', t.parent().length()) >= 0).toList();
            out.addAll(mine);
            if (p.next() != null && t.token() == null && p.slow() && !p.objects().isEmpty()) {
                // a slow group: its folders one by one, from the last key the slow page returned
                String last = p.objects().get(p.objects().size() - 1).key();
                for (String folder : t.folders()) {
                    if (last.startsWith(folder)) {
                        next.add(new Task(folder, false, null, last));
                    } else if (compareKeys(folder, last) > 0) { // the page ended before it
                        next.add(new Task(folder, false, null, null));
                    }
                }
            } else if (p.next() != null) {
                next.add(t.next(p.next()));
            }
        } else {
            out.addAll(p.objects());
            if (p.next() != null && t.token() == null && p.slow() && !p.objects().isEmpty()) {
                next.add(new Task(t.prefix(), true, null, p.objects().get(p.objects().size() - 1).key()));
            } else if (p.next() != null) {
                next.add(t.next(p.next()));
            }
        }
        return next;
    }

    /**
     * The sub-folders of {@code parent} (sorted, complete) gathered by the first characters of their names: the fewest
     * characters giving at least {@value #GROUPS} groups. Each group is a flat listing of that common prefix, from
     * {@code after} (what the slow page returned is not asked again).
     */
    static List<Task> groups(String parent, List<String> folders, String after) {
        int k = 1;
        java.util.LinkedHashMap<String, List<String>> byPrefix;
        do {
            byPrefix = new java.util.LinkedHashMap<>();
            for (String folder : folders) {
                String name = folder.substring(parent.length());
                int end = name.offsetByCodePoints(0, Math.min(k, name.codePointCount(0, name.length())));
                byPrefix.computeIfAbsent(parent + name.substring(0, end), x -> new ArrayList<>()).add(folder);
            }
            k++;
        } while (byPrefix.size() < Math.min(GROUPS, folders.size()) && byPrefix.size() < folders.size()
                && k <= 64);
        List<Task> tasks = new ArrayList<>();
        for (var g : byPrefix.entrySet()) {
            // from after: a group's prefix may also match folders the slow page covered (left out of the list)
            tasks.add(new Task(g.getKey(), false, null, after, parent, List.copyOf(g.getValue())));
        }
        return tasks;
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
