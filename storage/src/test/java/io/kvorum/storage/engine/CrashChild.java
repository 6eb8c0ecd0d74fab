package io.kvorum.storage.engine;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.config.StorageConfig.SyncPolicy;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The process {@link LogEngineCrashTest} kills: opens a log engine under {@code always} and writes
 * from several threads until killed, printing {@code ACK <key> <value>} (flushed) after each update
 * returns ({@code ACK-READY} when it took the non-blocking path). Arguments: directory, writer threads, run number (keeps keys and dots of runs apart), and
 * optionally {@code ready}: write as a node's event loop does, through {@link LogEngine#updateIfReady}
 * and its asynchronous durability (the blocking update only when the engine declines), acknowledging
 * when the durability completes.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        String run = args[2];
        boolean ready = args.length > 3 && args[3].equals("ready");
        ThreadScheduler scheduler = new ThreadScheduler();
        LogSettings settings = LogSettings.defaults().withSync(SyncPolicy.ALWAYS).withSegmentBytes(128 * 1024)
                .withCompaction(64L << 20, 30);
        LogEngine engine = LogEngine.open(dir, StorageEngineContract::hashToken, settings,
                new LogEnvironment(scheduler, () -> 1_000_000));
        PrintStream out = new PrintStream(System.out, false);
        System.out.println("READY");
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            int writer = t;
            Thread.ofPlatform().start(() -> write(engine, run, writer, ready, out));
        }
        Thread.currentThread().join(); // until killed
    }

    private static void write(LogEngine engine, String run, int writer, boolean ready, PrintStream out) {
        DotIssuer issuer = new DotIssuer(new Actor(NodeId.of("writer-" + writer), Long.parseLong(run)));
        for (long i = 0; ; i++) {
            // a few hot keys overwritten again and again (so compaction has work) and a stream of new ones
            String key = i % 2 == 0 ? "hot-" + writer + "-" + (i % 20) : "r" + run + "-w" + writer + "-" + i;
            String value = "run" + run + "-w" + writer + "-" + i + "-" + "x".repeat((int) (i % 300));
            UnaryOperator<Siblings> change = current -> current.write(issuer, current.context(), Optional.of(Bytes.utf8(value)),
                    1_000_000, 50).state();
            StorageEngine.Deferred deferred = ready ? engine.updateIfReady(Key.of(key), change) : null;
            if (deferred == null) {
                engine.update(Key.of(key), change);
            } else {
                deferred.durable().get().toCompletableFuture().join();
            }
            synchronized (out) {
                out.println((deferred == null ? "ACK " : "ACK-READY ") + key + " " + value);
                out.flush();
            }
        }
    }
}
