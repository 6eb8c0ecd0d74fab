package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.config.HandoffConfig;
import io.kvorum.config.KvorumConfig;
import io.kvorum.config.NodeConfig;
import io.kvorum.config.StorageConfig;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.hint.HintStore;
import io.kvorum.storage.hint.MemoryHintStore;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every engine comes with hints capped by {@code handoff.max-hints-per-owner}, and reports its key count. */
class NodeStorageTest {
    private static final NodeId OWNER = NodeId.of("node-2");

    @TempDir
    Path dir;

    private KvorumConfig config(StorageConfig.Engine engine) {
        KvorumConfig defaults = KvorumConfig.defaults();
        return defaults
                .withNode(new NodeConfig(defaults.node().id(), dir, Duration.ofSeconds(10)))
                .withStorage(new StorageConfig(engine))
                .withHandoff(new HandoffConfig(true, 2, 100, 10, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    }

    private static Hint hint(String key) {
        Siblings state = Siblings.EMPTY.write(new DotIssuer(new Actor(NodeId.of("node-1"), 0)), CausalContext.EMPTY,
                Optional.of(Bytes.utf8("v")), 5, Siblings.DEFAULT_MAX_ACTORS).state();
        return new Hint(OWNER, Key.of(key), state);
    }

    @Test
    void theMemoryEngineGetsMemoryHintsWithTheConfiguredCap() {
        NodeStorage storage = NodeStorage.open(config(StorageConfig.Engine.MEMORY), Murmur3Partitioner.INSTANCE);
        try {
            assertInstanceOf(MemoryHintStore.class, storage.hints());
            assertEquals(2, storage.hints().capPerOwner());
        } finally {
            storage.close();
        }
    }

    @Test
    void theLogEngineGetsDurableHintsWithTheConfiguredCap() {
        NodeStorage storage = NodeStorage.open(config(StorageConfig.Engine.LOG), Murmur3Partitioner.INSTANCE);
        try {
            assertInstanceOf(HintStore.class, storage.hints());
            assertEquals(2, storage.hints().capPerOwner());
            assertTrue(storage.hints().append(hint("k")));
        } finally {
            storage.close();
        }
        NodeStorage reopened = NodeStorage.open(config(StorageConfig.Engine.LOG), Murmur3Partitioner.INSTANCE);
        try {
            assertEquals(1, reopened.hints().count(OWNER));
        } finally {
            reopened.close();
        }
    }

    @Test
    void theKeysGaugeReadsTheEngineSize() {
        NodeStorage storage = NodeStorage.open(config(StorageConfig.Engine.MEMORY), Murmur3Partitioner.INSTANCE);
        try {
            MetricRegistry metrics = new MetricRegistry();
            RuntimeMetrics.registerKeys(metrics, storage.engine()::size);
            Gauge<?> keys = metrics.getGauges().get("storage.keys");

            assertEquals(0L, keys.getValue());
            storage.engine().update(Key.of("k"), current -> hint("k").state());
            assertEquals(1L, keys.getValue());
        } finally {
            storage.close();
        }
    }
}
