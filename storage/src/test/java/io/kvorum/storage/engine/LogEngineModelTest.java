package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.config.StorageConfig.SyncPolicy;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Siblings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random interleavings of put, merge, delete, compaction and restart on a {@link LogEngine}, checked
 * step by step against a {@link MemoryEngine} as the model. Seeded; a failure names its seed.
 */
class LogEngineModelTest {
    private static final int SEEDS = 12;
    private static final int STEPS = 400;
    private static final int KEYS = 24;
    /** Small segments so that steps roll, seal and compact often; a grace no run reaches (expiry has its own test). */
    private static final LogSettings SETTINGS = LogSettings.defaults().withSync(SyncPolicy.NEVER).withSegmentBytes(4096)
            .withCacheBytes(8192).withCompressionThresholdBytes(200).withCompaction(1 << 20, 40)
            .withTombstoneGraceMillis(Long.MAX_VALUE / 4);

    @TempDir
    Path temp;

    @Test
    void logEngineBehavesLikeTheMemoryEngine() {
        long[] compactions = {0};
        Seeds.forEach(0x10_6E_0003L, SEEDS, (seed, random) -> compactions[0] += new Run(temp.resolve("seed-" + seed), random).go());
        assertTrue(compactions[0] >= SEEDS, "the runs compacted only " + compactions[0] + " times");
    }

    private static final class Run {
        private final Path dir;
        private final RandomGenerator random;
        private final ManualScheduler scheduler = new ManualScheduler();
        private final MemoryEngine model = new MemoryEngine(StorageEngineContract::hashToken);
        private LogEngine engine;
        private final Map<Actor, DotIssuer> issuers = new TreeMap<>();
        private long wallMillis = 1_000;
        private long compactions;

        Run(Path dir, RandomGenerator random) {
            this.dir = dir;
            this.random = random;
        }

        /** Runs the steps; returns how many compactions the engine completed. */
        long go() {
            engine = open();
            try {
                for (int step = 0; step < STEPS; step++) {
                    step(step);
                    if (step % 50 == 49) {
                        assertSameEverywhere("after step " + step);
                    }
                }
                assertSameEverywhere("at the end");
                return compactions + engine.stats().compactions();
            } finally {
                engine.close();
            }
        }

        private LogEngine open() {
            return LogEngine.open(dir, StorageEngineContract::hashToken, SETTINGS, new LogEnvironment(scheduler, () -> wallMillis));
        }

        private void step(int step) {
            wallMillis += random.nextInt(1000);
            int choice = random.nextInt(100);
            Key key = Key.of("key-" + random.nextInt(KEYS));
            if (choice < 40) {
                apply(step, key, put(key));
            } else if (choice < 60) {
                apply(step, key, merge());
            } else if (choice < 75) {
                apply(step, key, deleteWithTombstone());
            } else if (choice < 82) {
                apply(step, key, current -> Siblings.EMPTY);
            } else if (choice < 92) {
                scheduler.settle(1 + random.nextInt(4)); // hint files, background compaction steps
                if (random.nextBoolean()) {
                    engine.sealActive();
                    engine.compactNow();
                }
            } else {
                compactions += engine.stats().compactions();
                engine.close();
                if (random.nextInt(4) == 0) {
                    scheduler.settle(3); // tasks of a closed engine must be harmless
                }
                engine = open();
            }
            assertEquals(model.get(key), engine.get(key), "step " + step + " key " + key);
        }

        /**
         * Applies {@code change} once (issuers are stateful, as a node's are) and stores its result in
         * both engines, checking that the log engine hands the change the same current state.
         */
        private void apply(int step, Key key, UnaryOperator<Siblings> change) {
            Siblings before = model.get(key);
            Siblings after = change.apply(before);
            Siblings expected = model.update(key, current -> after);
            Siblings actual = engine.update(key, current -> {
                assertEquals(before, current, "state handed to the change at step " + step + " of " + key);
                return after;
            });
            assertEquals(expected, actual, "update at step " + step + " of " + key);
        }

        private DotIssuer issuer(String node, long epoch) {
            return issuers.computeIfAbsent(new Actor(NodeId.of(node), epoch), DotIssuer::new);
        }

        private UnaryOperator<Siblings> put(Key key) {
            DotIssuer issuer = issuer("node-" + random.nextInt(3), 0);
            boolean blind = random.nextInt(4) == 0;
            String value = "v" + random.nextInt(1000) + "-" + key + "-" + "z".repeat(random.nextInt(400));
            long now = wallMillis;
            return current -> current.write(issuer, blind ? CausalContext.EMPTY : current.context(),
                    Optional.of(Bytes.utf8(value)), now, Siblings.DEFAULT_MAX_ACTORS).state();
        }

        /** A state from another replica: some other key's state, or a fresh write there. */
        private UnaryOperator<Siblings> merge() {
            Siblings incoming = random.nextBoolean()
                    ? model.get(Key.of("key-" + random.nextInt(KEYS)))
                    : Siblings.EMPTY.write(issuer("peer-" + random.nextInt(2), 1), CausalContext.EMPTY,
                            Optional.of(Bytes.utf8("peer-" + random.nextInt(100))), wallMillis, Siblings.DEFAULT_MAX_ACTORS).state();
            return current -> current.merge(incoming, Siblings.DEFAULT_MAX_ACTORS);
        }

        private UnaryOperator<Siblings> deleteWithTombstone() {
            DotIssuer issuer = issuer("node-" + random.nextInt(3), 0);
            long now = wallMillis;
            return current -> current.write(issuer, current.context(), Optional.empty(), now,
                    Siblings.DEFAULT_MAX_ACTORS).state();
        }

        private void assertSameEverywhere(String when) {
            assertEquals(model.size(), engine.size(), "size " + when);
            assertEquals(contents(model), contents(engine), "contents " + when);
        }

        private static Map<Key, Siblings> contents(StorageEngine engine) {
            Map<Key, Siblings> all = new TreeMap<>();
            engine.scan(TokenRange.FULL_RING, all::put);
            return all;
        }
    }
}
