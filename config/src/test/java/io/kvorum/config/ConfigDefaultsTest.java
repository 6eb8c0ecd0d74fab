package io.kvorum.config;

import static io.kvorum.config.Configs.fromFlags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kvorum.common.NodeId;
import io.kvorum.config.StorageConfig.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDefaultsTest {
    @TempDir
    Path tempDir;

    @Test
    void everyKeyHasItsDocumentedDefault() {
        KvorumConfig config = KvorumConfig.defaults();

        assertEquals(new NodeConfig(NodeId.of("node-1"), Path.of("./data/node-1"), Duration.ofSeconds(10)), config.node());
        assertEquals(new HttpConfig("127.0.0.1", 8081, 1024 * 1024), config.http());
        assertEquals(new InternodeConfig("127.0.0.1", 9081, Duration.ofSeconds(1), 80 * 1024 * 1024), config.internode());
        assertEquals(new RingConfig(128), config.ring());
        assertEquals(new QuorumConfig(3, 2, 2, Duration.ofSeconds(2), true), config.quorum());
        assertEquals(new HandoffConfig(true, 100_000, 5000, 100, Duration.ofSeconds(1), Duration.ofSeconds(60)), config.handoff());
        assertEquals(new AntiEntropyConfig(true, Duration.ofSeconds(10), 8 * 1024 * 1024, Duration.ofSeconds(30)), config.antiEntropy());
        assertEquals(new StorageConfig(Engine.LOG, StorageConfig.SyncPolicy.ALWAYS, Duration.ofSeconds(1), Duration.ofMillis(2), 64 * 1024 * 1024,
                new CacheSize.HeapShare(40), 512, 32 * 1024 * 1024, 50, Duration.ofDays(10), 100, 8 * 1024 * 1024), config.storage());
        assertEquals(new LoggingConfig(LoggingConfig.Format.TEXT, false), config.logging());
        assertEquals(List.of(MemberAddress.parse("node-1@127.0.0.1:9081/127.0.0.1:8081")), config.cluster().members());
    }

    @Test
    void defaultsEqualLoadingNothing() {
        assertEquals(KvorumConfig.defaults(), ConfigLoader.load(List.of(), Map.of()));
    }

    @Test
    void dataDirDefaultFollowsNodeId() {
        assertEquals(Path.of("./data/node-7"), fromFlags("--node.id=node-7").node().dataDir());
        assertEquals(Path.of("/srv/kv"), fromFlags("--node.id=node-7", "--node.data-dir=/srv/kv").node().dataDir());
    }

    @Test
    void defaultMemberIsThisNodeWithItsAddresses() {
        KvorumConfig config = fromFlags("--node.id=a", "--internode.host=10.0.0.5", "--internode.port=7000",
                "--http.host=10.0.0.6", "--http.port=0", "--internode.secret-file=" + ClusterSecretTest.secretFile(tempDir, 64));

        assertEquals(List.of(new MemberAddress(NodeId.of("a"), new HostPort("10.0.0.5", 7000), new HostPort("10.0.0.6", 0))),
                config.cluster().members());
    }

    @Test
    void millisecondAccessorsMatchDurations() {
        KvorumConfig config = KvorumConfig.defaults();

        assertEquals(10_000, config.node().shutdownTimeoutMillis());
        assertEquals(1_000, config.internode().connectTimeoutMillis());
        assertEquals(2_000, config.quorum().requestTimeoutMillis());
        assertEquals(1_000, config.handoff().retryMinMillis());
        assertEquals(60_000, config.handoff().retryMaxMillis());
        assertEquals(10_000, config.antiEntropy().intervalMillis());
        assertEquals(30_000, config.antiEntropy().timeoutMillis());
    }

    @Test
    void recordsCanBeReplacedProgrammatically() {
        KvorumConfig config = KvorumConfig.defaults()
                .withQuorum(new QuorumConfig(1, 1, 1, Duration.ofMillis(50), false))
                .withHttp(new HttpConfig("127.0.0.1", 0, 1024))
                .withRing(new RingConfig(8))
                .withHandoff(new HandoffConfig(false, 10, 1, 1, Duration.ofMillis(5), Duration.ofMillis(5)))
                .withAntiEntropy(new AntiEntropyConfig(false, Duration.ofMillis(20), 64 * 1024, Duration.ofMillis(100)));

        assertEquals(1, config.quorum().n());
        assertEquals(0, config.http().port());
        assertEquals(8, config.ring().vnodesPerNode());
        assertFalse(config.quorum().sloppy());
        assertEquals(10, config.handoff().maxHintsPerOwner());
        assertFalse(config.antiEntropy().enabled());
        assertEquals(KvorumConfig.defaults().node(), config.node());
    }
}
