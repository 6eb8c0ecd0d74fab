package io.kvorum.config;

import static io.kvorum.config.Configs.fromFlags;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.NodeId;
import io.kvorum.config.StorageConfig.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDefaultsTest {
    @Test
    void everyKeyHasItsDocumentedDefault() {
        KvorumConfig config = KvorumConfig.defaults();

        assertEquals(new NodeConfig(NodeId.of("node-1"), Path.of("./data/node-1"), Duration.ofSeconds(10)), config.node());
        assertEquals(new HttpConfig("127.0.0.1", 8081, 1024 * 1024), config.http());
        assertEquals(new InternodeConfig("127.0.0.1", 9081, Duration.ofSeconds(1), 80 * 1024 * 1024), config.internode());
        assertEquals(new RingConfig(128), config.ring());
        assertEquals(new QuorumConfig(3, 2, 2, Duration.ofSeconds(2)), config.quorum());
        assertEquals(new StorageConfig(Engine.LOG, StorageConfig.SyncPolicy.ALWAYS, Duration.ofSeconds(1), 64 * 1024 * 1024,
                64 * 1024 * 1024, 512, 32 * 1024 * 1024, 50, Duration.ofDays(10)), config.storage());
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
                "--http.host=10.0.0.6", "--http.port=0");

        assertEquals(List.of(new MemberAddress(NodeId.of("a"), new HostPort("10.0.0.5", 7000), new HostPort("10.0.0.6", 0))),
                config.cluster().members());
    }

    @Test
    void millisecondAccessorsMatchDurations() {
        KvorumConfig config = KvorumConfig.defaults();

        assertEquals(10_000, config.node().shutdownTimeoutMillis());
        assertEquals(1_000, config.internode().connectTimeoutMillis());
        assertEquals(2_000, config.quorum().requestTimeoutMillis());
    }

    @Test
    void recordsCanBeReplacedProgrammatically() {
        KvorumConfig config = KvorumConfig.defaults()
                .withQuorum(new QuorumConfig(1, 1, 1, Duration.ofMillis(50)))
                .withHttp(new HttpConfig("127.0.0.1", 0, 1024))
                .withRing(new RingConfig(8));

        assertEquals(1, config.quorum().n());
        assertEquals(0, config.http().port());
        assertEquals(8, config.ring().vnodesPerNode());
        assertEquals(KvorumConfig.defaults().node(), config.node());
    }
}
