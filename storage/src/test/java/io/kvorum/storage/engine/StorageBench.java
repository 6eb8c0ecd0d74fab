package io.kvorum.storage.engine;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.config.StorageConfig.SyncPolicy;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The storage benchmarks of issue 3, as a plain main (figures for humans, not assertions):
 * {@code scripts/kvorum bench-storage [dir] [seconds-per-run] [sections]}, sections a comma list of
 * lz4, puts, gets, compaction, million (default all). Each figure is printed with what
 * it measured; the group-commit figures print their baseline from the same run next to them.
 */
public final class StorageBench {
    private static final int VALUE_BYTES = 1024;
    private static final int MILLION = 1_000_000;
    private final Path root;
    private final long runMillis;
    private final ManualScheduler scheduler = new ManualScheduler();
    private final DotIssuer issuer = new DotIssuer(new Actor(NodeId.of("bench"), 0));
    private int dirs;

    private StorageBench(Path root, long runMillis) {
        this.root = root;
        this.runMillis = runMillis;
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench-storage"));
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 5;
        StorageBench bench = new StorageBench(root, seconds * 1000);
        System.out.printf("storage benchmarks in %s, %d s per throughput run, %d cores, max heap %d MiB%n",
                root.toAbsolutePath(), seconds, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        List<String> sections = List.of((args.length > 2 ? args[2] : "lz4,puts,gets,compaction,million").split(","));
        if (sections.contains("lz4")) {
            bench.compressionThreshold();
        }
        if (sections.contains("puts")) {
            bench.putsUnderAlways();
            bench.putsUnder(SyncPolicy.INTERVAL);
            bench.putsUnder(SyncPolicy.NEVER);
        }
        if (sections.contains("gets")) {
            bench.gets();
        }
        if (sections.contains("compaction")) {
            bench.compactionAndSpaceAmplification();
        }
        if (sections.contains("million")) {
            bench.millionKeys();
        }
    }

    // ---- compression ----

    private void compressionThreshold() {
        System.out.println("\n## LZ4 on encoded sibling sets (JSON-like value text): size -> stored size, compress and decompress ns");
        SplittableRandom random = new SplittableRandom(1);
        for (int size : new int[] {64, 128, 256, 384, 512, 768, 1024, 2048, 4096, 16384}) {
            byte[] payload = VersionCodec.encode(state(jsonLike(random, size)));
            int rounds = 200_000 / Math.max(1, size / 64);
            byte[] compressed = RecordFormat.compress(payload);
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                compressed = RecordFormat.compress(payload);
            }
            long compressNanos = (System.nanoTime() - start) / rounds;
            byte[] record = compressed == null ? null
                    : RecordFormat.encode(RecordFormat.FLAG_COMPRESSED, new byte[] {1}, compressed, 0);
            long decompressNanos = 0;
            if (record != null) {
                RecordFormat.Header header = RecordFormat.parseHeader(record, 0, record.length);
                start = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    RecordFormat.payload(record, header);
                }
                decompressNanos = (System.nanoTime() - start) / rounds;
            }
            System.out.printf("payload %6d B -> %6s B  compress %6d ns  decompress %6d ns%n", payload.length,
                    compressed == null ? "(kept)" : String.valueOf(compressed.length), compressNanos, decompressNanos);
        }
    }

    private static String jsonLike(SplittableRandom random, int size) {
        String[] words = {"\"id\":", "\"name\":\"", "kvorum", "\",", "\"count\":", "\"tags\":[", "\"user-", "\"],", "true,", "null,"};
        StringBuilder text = new StringBuilder("{");
        while (text.length() < size - 1) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(100_000));
        }
        text.setLength(size - 1);
        return text.append('}').toString();
    }

    // ---- writes ----

    private void putsUnderAlways() throws Exception {
        System.out.println("\n## puts/s under always (1 KiB values, new keys) against raw appends + one fsync per batch");
        for (int threads : new int[] {1, 16}) {
            Result engine = puts(SyncPolicy.ALWAYS, threads);
            double perFsync = (double) engine.ops / Math.max(1, engine.fsyncs);
            double baseline = rawAppends(engine.recordBytes, threads);
            System.out.printf("always, %2d writers: %9.0f puts/s (%.1f records per fsync); baseline raw appends with one fsync per %d: %9.0f/s; ratio %.0f%%%n",
                    threads, engine.perSecond, perFsync, threads, baseline, 100 * engine.perSecond / baseline);
        }
    }

    private void putsUnder(SyncPolicy policy) throws Exception {
        for (int threads : new int[] {1, 16}) {
            Result result = puts(policy, threads);
            System.out.printf("%s, %2d writers: %9.0f puts/s (%d fsyncs)%n", policy.name().toLowerCase(), threads, result.perSecond, result.fsyncs);
        }
    }

    private record Result(long ops, double perSecond, long fsyncs, int recordBytes) {}

    private Result puts(SyncPolicy policy, int threads) throws Exception {
        Path dir = freshDir();
        try (ThreadScheduler background = new ThreadScheduler();
             LogEngine engine = LogEngine.open(dir, StorageEngineContract::hashToken,
                     LogSettings.defaults().withSync(policy), new LogEnvironment(background, () -> 1_000))) {
            Siblings value = state("v".repeat(VALUE_BYTES));
            AtomicLong ops = new AtomicLong();
            long millis = runThreads(threads, (t, i) -> {
                engine.update(Key.of("t" + t + "-" + i), current -> value);
                ops.incrementAndGet();
            });
            int recordBytes = RecordFormat.HEADER_BYTES + 8 + VersionCodec.encode(value).length;
            return new Result(ops.get(), ops.get() * 1000.0 / millis, engine.stats().fsyncs(), recordBytes);
        } finally {
            deleteDir(dir);
        }
    }

    /** The baseline: one thread appends the same number of bytes per record and fsyncs once per {@code batch} records. */
    private double rawAppends(int recordBytes, int batch) throws IOException {
        Path file = freshDir().resolve("raw.log");
        byte[] record = new byte[recordBytes];
        long count = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            long deadline = start + runMillis * 1_000_000;
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < batch; i++) {
                    ByteBuffer buffer = ByteBuffer.wrap(record);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
                channel.force(false);
                count += batch;
            }
            return count * 1e9 / (System.nanoTime() - start);
        } finally {
            deleteDir(file.getParent());
        }
    }

    // ---- reads ----

    private void gets() throws Exception {
        System.out.println("\n## gets/s of 1 KiB values (2 reader threads)");
        int keys = 50_000;
        Path dir = freshDir();
        Siblings value = state("r".repeat(VALUE_BYTES));
        for (boolean cached : new boolean[] {true, false}) {
            LogSettings settings = LogSettings.defaults().withSync(SyncPolicy.NEVER).withCacheBytes(cached ? 256 << 20 : 0);
            try (LogEngine engine = LogEngine.open(dir, StorageEngineContract::hashToken, settings, new LogEnvironment(scheduler, () -> 1_000))) {
                if (engine.size() == 0) {
                    for (int i = 0; i < keys; i++) {
                        engine.update(Key.of("key-" + i), current -> value);
                    }
                }
                for (int i = 0; i < keys; i++) {
                    engine.get(Key.of("key-" + i)); // warm the cache (or the page cache)
                }
                AtomicLong ops = new AtomicLong();
                long millis = runThreads(2, (t, i) -> {
                    engine.get(Key.of("key-" + (int) ((i * 7919L + t) % keys)));
                    ops.incrementAndGet();
                });
                LogStats stats = engine.stats();
                System.out.printf("%s: %9.0f gets/s (cache hits %d, misses %d; uncached reads hit the OS page cache)%n",
                        cached ? "cached  " : "uncached", ops.get() * 1000.0 / millis, stats.cacheHits(), stats.cacheMisses());
            }
        }
        deleteDir(dir);
    }

    // ---- compaction ----

    private void compactionAndSpaceAmplification() throws IOException {
        System.out.println("\n## compaction: 100k keys of 1 KiB (incompressible), every key written 4 times (3 overwrites), then compacted");
        int keys = 100_000;
        Path dir = freshDir();
        SplittableRandom random = new SplittableRandom(3);
        LogSettings settings = LogSettings.defaults().withSync(SyncPolicy.NEVER).withCacheBytes(0);
        long liveBytes = 0;
        try (LogEngine engine = LogEngine.open(dir, StorageEngineContract::hashToken, settings,
                new LogEnvironment(new ManualScheduler(), () -> 1_000))) {
            for (int round = 0; round < 4; round++) {
                liveBytes = 0;
                for (int i = 0; i < keys; i++) {
                    Siblings value = state(randomText(random, VALUE_BYTES));
                    liveBytes += RecordFormat.HEADER_BYTES + ("key-" + i).length() + VersionCodec.encode(value).length;
                    engine.update(Key.of("key-" + i), current -> value);
                }
            }
        }
        // Reopened, every segment is sealed with a hint file and nothing runs in the background.
        try (LogEngine engine = LogEngine.open(dir, StorageEngineContract::hashToken, settings,
                new LogEnvironment(new ManualScheduler(), () -> 1_000))) {
            LogStats before = engine.stats();
            long start = System.nanoTime();
            engine.compactNow();
            long nanos = System.nanoTime() - start;
            LogStats after = engine.stats();
            System.out.printf("before: %d MiB on disk for %d MiB of live records (space amplification %.2f)%n",
                    before.diskBytes() >> 20, liveBytes >> 20, (double) before.diskBytes() / liveBytes);
            System.out.printf("compaction read %d MiB in %d ms: %.0f MiB/s (unthrottled: compactNow ignores storage.compaction-rate)%n",
                    before.diskBytes() >> 20, nanos / 1_000_000, (before.diskBytes() / 1048576.0) / (nanos / 1e9));
            System.out.printf("after: %d MiB on disk, space amplification %.3f, %d bytes reclaimed%n",
                    after.diskBytes() >> 20, (double) after.diskBytes() / liveBytes, after.bytesReclaimed());
        } finally {
            deleteDir(dir);
        }
    }

    private static String randomText(SplittableRandom random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) (33 + random.nextInt(94));
        }
        return new String(chars);
    }

    // ---- a million keys ----

    private void millionKeys() throws IOException {
        System.out.println("\n## a million keys (16-byte values): key directory heap and start-up time");
        Path dir = freshDir();
        LogSettings settings = LogSettings.defaults().withSync(SyncPolicy.NEVER).withCacheBytes(0);
        long keyBytes;
        writeMillion(dir, settings); // in their own frames, so that no stack slot keeps those engines alive
        warmUp(dir, settings);
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        LogEngine engine = open(dir, settings);
        long withHints = (System.nanoTime() - start) / 1_000_000;
        long heapAfter = usedHeap();
        KeyDirectory keydir = engineKeydir(engine);
        keyBytes = keydir.keyBytes();
        System.out.printf("key directory: %d keys, %.1f bytes of heap per key beyond the key's bytes (computed from its arrays)%n",
                keydir.size(), (double) (keydir.heapBytes() - keyBytes) / keydir.size());
        System.out.printf("heap growth measured after GC: %.1f bytes per key beyond the key's bytes (whole engine, cache off; %d -> %d MiB used)%n",
                (double) (heapAfter - heapBefore - keyBytes) / MILLION, heapBefore >> 20, heapAfter >> 20);
        engine.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path hint : files.filter(p -> p.toString().endsWith(Segment.HINT_SUFFIX)).toList()) {
                Files.delete(hint);
            }
        }
        start = System.nanoTime();
        open(dir, settings).close();
        long byScan = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        open(dir, settings).close();
        long withHintsAgain = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("start-up with 1M keys: %d ms from hint files, %d ms scanning (which also writes the hint files), %d ms from hint files again%n",
                withHints, byScan, withHintsAgain);
        deleteDir(dir);
    }

    private void writeMillion(Path dir, LogSettings settings) {
        try (LogEngine engine = open(dir, settings)) {
            for (int i = 0; i < MILLION; i++) {
                Siblings value = state("value-" + i);
                engine.update(Key.of(String.format("key-%07d", i)), current -> value);
            }
            engine.sealActive();
        }
    }

    /** Opens once to warm up the JIT on the recovery path (and write the hint files of rolled segments). */
    private static void warmUp(Path dir, LogSettings settings) {
        open(dir, settings).close();
    }

    /** A fresh hand-driven scheduler each time: a queued periodic task would keep a closed engine's heap alive. */
    private static LogEngine open(Path dir, LogSettings settings) {
        return LogEngine.open(dir, StorageEngineContract::hashToken, settings, new LogEnvironment(new ManualScheduler(), () -> 1_000));
    }

    private static KeyDirectory engineKeydir(LogEngine engine) {
        try {
            var storeField = LogEngine.class.getDeclaredField("store");
            storeField.setAccessible(true);
            return ((LogStore) storeField.get(engine)).keydir();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---- helpers ----

    private Siblings state(String value) {
        return Siblings.EMPTY.write(issuer, CausalContext.EMPTY, Optional.of(Bytes.utf8(value)), 1_000, 50).state();
    }

    @FunctionalInterface
    private interface Op {
        void run(int thread, long iteration);
    }

    /** Runs {@code op} on {@code threads} threads for the run time; returns the elapsed milliseconds. */
    private long runThreads(int threads, Op op) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            running.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long i = 0; System.nanoTime() < deadline[0]; i++) {
                    op.run(thread, i);
                }
            }));
        }
        long begin = System.nanoTime();
        deadline[0] = begin + runMillis * 1_000_000;
        start.countDown();
        for (Thread t : running) {
            t.join();
        }
        return (System.nanoTime() - begin) / 1_000_000;
    }

    private Path freshDir() throws IOException {
        return Files.createDirectories(root.resolve("run-" + (++dirs)));
    }

    private static void deleteDir(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
