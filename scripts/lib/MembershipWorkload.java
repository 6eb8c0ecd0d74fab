import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The clients of {@code scripts/kvorum check-membership}: writers and readers that run against a
 * cluster while its membership changes, with exact accounting of what was acknowledged. A
 * single-file program ({@code java MembershipWorkload.java ...}), so it needs no build.
 *
 * <p>Phases: (1) preload: {@code --preload} keys written with w=all (each retried until acknowledged,
 * a few times); then the file {@code OUT/preloaded} appears. (2) run, until the file {@code OUT/stop}
 * exists: {@code --writers} threads write new keys (default w unless {@code --w}), and an
 * acknowledged key is recorded only on 200; {@code --readers} threads read keys acknowledged before
 * the read began (default r): a 404 there is a violation of "no acknowledged write unreadable", and a
 * 200 whose value is not the one written is counted as wrong. Then {@code OUT/stopped} appears, and
 * once the script has created {@code OUT/verify}: (3) verify: every acknowledged key is read with
 * r=all; a 404 or a wrong value is a lost write (a 503 is retried, then reported apart).
 *
 * <p>Requests go to the nodes listed in {@code --targets FILE} (one base URL a line), which is read
 * again twice a second, so the script can add a node that joined and drop one before it leaves.
 * Every second a progress line goes to stdout; the last line is {@code RESULT key=value ...}.
 * Exit status 0 when no acknowledged key answered 404 and none was lost, 1 otherwise, 2 bad usage.
 */
public final class MembershipWorkload {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Path out;
    private final Path targetsFile;
    private final int valueBytes;
    private final String writeQuery;
    private final String run;
    private final long seed;
    private final AtomicReference<List<URI>> targets = new AtomicReference<>(List.of());
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** Keys acknowledged so far, in order; a reader only picks among the first {@code ackedCount}. */
    private final List<String> acked = new ArrayList<>();
    private final AtomicInteger ackedCount = new AtomicInteger();
    private final AtomicLong writesFailed503 = new AtomicLong();
    private final AtomicLong writesFailedOther = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong reads404 = new AtomicLong();
    private final AtomicLong readsWrong = new AtomicLong();
    private final AtomicLong readsFailed = new AtomicLong();

    private MembershipWorkload(Path out, Path targetsFile, int valueBytes, String w, long seed) {
        this.out = out;
        this.targetsFile = targetsFile;
        this.valueBytes = valueBytes;
        this.writeQuery = w == null ? "" : "?w=" + w;
        this.seed = seed;
        this.run = "cm" + Long.toHexString(seed & 0xffffffL);
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        Path targets = null;
        int preload = 2000;
        int writers = 2;
        int readers = 2;
        int valueBytes = 1000;
        String w = null;
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                usage("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--out" -> out = Path.of(value);
                case "--targets" -> targets = Path.of(value);
                case "--preload" -> preload = Integer.parseInt(value);
                case "--writers" -> writers = Integer.parseInt(value);
                case "--readers" -> readers = Integer.parseInt(value);
                case "--value-bytes" -> valueBytes = Integer.parseInt(value);
                case "--w" -> w = value;
                case "--seed" -> seed = Long.parseLong(value);
                default -> usage("unknown option " + args[i]);
            }
            i++;
        }
        if (out == null || targets == null) {
            usage("--out and --targets are required");
        }
        System.out.println("seed " + seed);
        MembershipWorkload workload = new MembershipWorkload(out, targets, Math.max(16, valueBytes), w, seed);
        System.exit(workload.run(preload, writers, readers));
    }

    private static void usage(String problem) {
        System.err.println("MembershipWorkload: " + problem + "\nusage: java MembershipWorkload.java --out DIR --targets FILE"
                + " [--preload K] [--writers W] [--readers R] [--value-bytes B] [--w W] [--seed S]");
        System.exit(2);
    }

    private int run(int preload, int writers, int readers) throws Exception {
        Files.createDirectories(out);
        refreshTargets();
        Thread refresher = Thread.ofPlatform().daemon().name("targets").start(this::refreshLoop);
        long started = System.nanoTime();
        preload(preload, Math.max(1, writers));
        System.out.printf("preloaded %d of %d keys with w=all in %.1f s%n", ackedCount.get(), preload, (System.nanoTime() - started) / 1e9);
        Files.writeString(out.resolve("preloaded"), ackedCount.get() + "\n");

        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int writer = i;
            threads.add(Thread.ofPlatform().name("writer-" + i).start(() -> writeLoop(writer)));
        }
        for (int i = 0; i < readers; i++) {
            SplittableRandom random = new SplittableRandom(seed + 1000 + i);
            threads.add(Thread.ofPlatform().name("reader-" + i).start(() -> readLoop(random)));
        }
        long runStarted = System.nanoTime();
        while (!Files.exists(out.resolve("stop"))) {
            Thread.sleep(1000); // the progress line's period; the script's steps are timed by the script
            System.out.println("progress t=" + String.format("%.0f", (System.nanoTime() - runStarted) / 1e9) + " " + counters());
        }
        stopping.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("stopped: " + counters());
        // The script reads the nodes' metrics now, then lets the verification begin: what the r=all
        // reads repair is then told apart from what the run itself did.
        Files.writeString(out.resolve("stopped"), counters() + "\n");
        while (!Files.exists(out.resolve("verify"))) {
            Thread.sleep(100); // polling a file the script creates; no fixed wait
        }
        refreshTargets();
        Verification verification = verify();
        refresher.interrupt();
        String result = "RESULT " + counters() + " verified=" + verification.verified + " lost=" + verification.lost
                + " unverifiable=" + verification.unavailable + " targets=" + targets.get().size();
        System.out.println(result);
        Files.writeString(out.resolve("result"), result + "\n");
        return reads404.get() == 0 && verification.lost == 0 && verification.unavailable == 0 ? 0 : 1;
    }

    private String counters() {
        return "acked=" + ackedCount.get() + " write_failed=" + (writesFailed503.get() + writesFailedOther.get())
                + " write_503=" + writesFailed503.get() + " write_error=" + writesFailedOther.get()
                + " reads=" + reads.get() + " read_404=" + reads404.get() + " read_wrong=" + readsWrong.get()
                + " read_failed=" + readsFailed.get();
    }

    // --- phases ------------------------------------------------------------------------------------

    private void preload(int keys, int threads) throws InterruptedException {
        List<Thread> loaders = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            loaders.add(Thread.ofPlatform().start(() -> {
                for (int n = next.getAndIncrement(); n < keys; n = next.getAndIncrement()) {
                    String key = run + "-pre-" + n;
                    for (int attempt = 0; attempt < 5; attempt++) {
                        int status = put(target(n + attempt), key, value(key), "?w=all");
                        if (status == 200) {
                            acknowledge(key);
                            break;
                        }
                    }
                }
            }));
        }
        for (Thread loader : loaders) {
            loader.join();
        }
    }

    private void writeLoop(int writer) {
        for (long n = 0; !stopping.get(); n++) {
            String key = run + "-w" + writer + "-" + n;
            int status = put(target(n + writer), key, value(key), writeQuery);
            if (status == 200) {
                acknowledge(key);
            } else if (status == 503) {
                writesFailed503.incrementAndGet();
            } else {
                writesFailedOther.incrementAndGet();
                log("write-failures.log", key + " " + status);
                pauseAfterFailure();
            }
        }
    }

    private void readLoop(SplittableRandom random) {
        while (!stopping.get()) {
            int count = ackedCount.get();
            if (count == 0) {
                pauseAfterFailure();
                continue;
            }
            String key = ackedKey(random.nextInt(count));
            URI node = target(random.nextInt(1 << 20));
            Answer answer = get(node, key, "");
            reads.incrementAndGet();
            switch (answer.status) {
                case 200 -> {
                    if (!answer.body.contains(marker(key))) {
                        readsWrong.incrementAndGet();
                        log("read-wrong.log", key + " via " + node + ": " + abbreviate(answer.body));
                    }
                }
                case 404 -> {
                    reads404.incrementAndGet();
                    log("read-404.log", System.currentTimeMillis() + " " + key + " via " + node + ": " + abbreviate(answer.body));
                }
                default -> {
                    readsFailed.incrementAndGet();
                    if (answer.status < 0) {
                        pauseAfterFailure();
                    }
                }
            }
        }
    }

    private record Verification(long verified, long lost, long unavailable) {}

    /** Every acknowledged key read with r=all; a 503 or a lost connection is retried on the next node. */
    private Verification verify() {
        long verified = 0;
        long lost = 0;
        long unavailable = 0;
        int count = ackedCount.get();
        for (int i = 0; i < count; i++) {
            String key = ackedKey(i);
            Answer answer = null;
            for (int attempt = 0; attempt < 6; attempt++) {
                answer = get(target(i + attempt), key, "?r=all");
                if (answer.status == 200 || answer.status == 404) {
                    break;
                }
            }
            if (answer.status == 200 && answer.body.contains(marker(key))) {
                verified++;
            } else if (answer.status == 200 || answer.status == 404) {
                lost++;
                log("lost.log", key + ": " + answer.status + " " + abbreviate(answer.body));
            } else {
                unavailable++;
                log("unverifiable.log", key + ": " + answer.status + " " + abbreviate(answer.body));
            }
        }
        return new Verification(verified, lost, unavailable);
    }

    // --- keys, values, targets ------------------------------------------------------------------------

    private void acknowledge(String key) {
        synchronized (acked) {
            acked.add(key);
            ackedCount.set(acked.size());
        }
    }

    private String ackedKey(int index) {
        synchronized (acked) {
            return acked.get(index);
        }
    }

    /** What identifies a key's own value in a read's body. */
    private static String marker(String key) {
        return "\"k\":\"" + key + "\"";
    }

    /** {"k":"<key>","pad":"..."} of about valueBytes bytes; the padding is fixed letters (values compress, as real ones often do). */
    private String value(String key) {
        int pad = Math.max(0, valueBytes - key.length() - 20);
        return "{\"k\":\"" + key + "\",\"pad\":\"" + "x".repeat(pad) + "\"}";
    }

    private URI target(long index) {
        List<URI> current = targets.get();
        while (current.isEmpty()) {
            pauseAfterFailure();
            current = targets.get();
        }
        return current.get((int) Math.floorMod(index, (long) current.size()));
    }

    private void refreshLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            refreshTargets();
            try {
                Thread.sleep(500); // how soon a change of the targets file is seen
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void refreshTargets() {
        try {
            List<URI> read = Files.readAllLines(targetsFile).stream().map(String::strip).filter(s -> !s.isEmpty())
                    .map(URI::create).toList();
            if (!read.isEmpty()) {
                targets.set(read);
            }
        } catch (IOException e) {
            // The script rewrites the file by renaming a new one over it, so a read never sees half;
            // a missing file keeps the last list.
        }
    }

    // --- HTTP ------------------------------------------------------------------------------------------

    private record Answer(int status, String body) {}

    /** The status, or -1 when no answer came (connection refused or reset, timeout). */
    private static int put(URI node, String key, String valueJson, String query) {
        HttpRequest request = HttpRequest.newBuilder(node.resolve("/kv/" + key + query)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":" + valueJson + "}")).build();
        return send(request).status;
    }

    private static Answer get(URI node, String key, String query) {
        return send(HttpRequest.newBuilder(node.resolve("/kv/" + key + query)).timeout(REQUEST_TIMEOUT).GET().build());
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    private static void pauseAfterFailure() {
        try {
            Thread.sleep(100); // no busy loop against a node that refuses connections
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private synchronized void log(String file, String line) {
        try {
            Files.writeString(out.resolve(file), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
