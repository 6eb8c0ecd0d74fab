package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.config.StorageConfig.SyncPolicy;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery of a million keys, from hint files and by scanning; prints how long each took (a figure, not a timed assertion). */
class LogEngineRecoveryTest {
    private static final int KEYS = 1_000_000;
    private static final LogSettings SETTINGS = LogSettings.defaults().withSync(SyncPolicy.NEVER);

    @TempDir
    Path dir;
    private final ManualScheduler scheduler = new ManualScheduler();

    static Siblings state(DotIssuer issuer, int i) {
        return Siblings.EMPTY.write(issuer, CausalContext.EMPTY, Optional.of(Bytes.utf8("value-" + i)), 1_000, 50).state();
    }

    @Test
    void aMillionKeysComeBackFromHintFilesAndFromAScan() throws IOException {
        DotIssuer issuer = new DotIssuer(new Actor(NodeId.of("node-a"), 0));
        try (LogEngine engine = open()) {
            for (int i = 0; i < KEYS; i++) {
                Siblings state = state(issuer, i);
                engine.update(Key.of("key-" + i), current -> state);
            }
            engine.sealActive();
        }
        scheduler.settle(2);

        long withHints = timeRecovery();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path hint : files.filter(p -> p.toString().endsWith(Segment.HINT_SUFFIX)).toList()) {
                Files.delete(hint);
            }
        }
        long byScan = timeRecovery();

        System.out.printf("LogEngineRecoveryTest: %d keys recovered in %d ms from hint files, %d ms by scanning%n",
                KEYS, withHints, byScan);
    }

    private long timeRecovery() {
        long start = System.nanoTime();
        try (LogEngine engine = open()) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(KEYS, engine.size());
            SplittableRandom random = new SplittableRandom(7);
            for (int probe = 0; probe < 1_000; probe++) {
                int i = random.nextInt(KEYS);
                assertEquals(Bytes.utf8("value-" + i), engine.get(Key.of("key-" + i)).siblings().get(0).value(), "key-" + i);
            }
            return millis;
        }
    }

    private LogEngine open() {
        return LogEngine.open(dir, StorageEngineContract::hashToken, SETTINGS, new LogEnvironment(scheduler, () -> 1_000));
    }
}
