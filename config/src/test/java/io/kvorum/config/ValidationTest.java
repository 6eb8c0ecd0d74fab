package io.kvorum.config;

import static io.kvorum.config.Configs.assertConfigError;
import static io.kvorum.config.Configs.fromFlags;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation error names its key, the allowed values and the source of the bad value. */
class ValidationTest {
    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("node.id", "-bad", "node.id: '-bad' is not a valid node id (allowed 1-64 characters"),
                Arguments.of("node.id", "a b", "node.id: 'a b' is not a valid node id"),
                Arguments.of("node.data-dir", " ", "node.data-dir: has no value (allowed a directory path)"),
                Arguments.of("node.data-dir", "a\0b", "node.data-dir: 'a\\u0000b' is not a valid path"),
                Arguments.of("node.shutdown-timeout", "6m", "node.shutdown-timeout: 6m is out of range 0s..5m"),
                Arguments.of("node.shutdown-timeout", "soon", "node.shutdown-timeout: 'soon' is not a duration"),
                Arguments.of("node.operations-max", "0", "node.operations-max: 0 is out of range 1..1000000"),
                Arguments.of("http.host", "my host", "http.host: 'my host' is not a host name or IP address"),
                Arguments.of("http.port", "65536", "http.port: 65536 is out of range 0..65535"),
                Arguments.of("http.port", "-1", "http.port: -1 is out of range 0..65535"),
                Arguments.of("http.port", "abc", "http.port: 'abc' is not an integer (allowed 0..65535)"),
                Arguments.of("http.port", "99999999999", "http.port: '99999999999' is out of range (allowed 0..65535)"),
                Arguments.of("http.value-bytes-max", "0", "http.value-bytes-max: 0 is out of range 1..64MiB"),
                Arguments.of("http.value-bytes-max", "65MiB", "http.value-bytes-max: 65MiB is out of range 1..64MiB"),
                Arguments.of("http.value-bytes-max", "1MB", "http.value-bytes-max: '1MB' is not a size"),
                Arguments.of("http.header-timeout", "50ms", "http.header-timeout: 50ms is out of range 100ms..10m"),
                Arguments.of("http.body-timeout", "11m", "http.body-timeout: 11m is out of range 100ms..10m"),
                Arguments.of("http.connections-max", "0", "http.connections-max: 0 is out of range 1..1000000"),
                Arguments.of("http.requests-in-flight-max", "0", "http.requests-in-flight-max: 0 is out of range 1..1000000"),
                Arguments.of("http.tls.cert-file", "a\u0000b", "http.tls.cert-file: 'a\\u0000b' is not a valid path"),
                Arguments.of("http.tls.key-file", "a\u0000b", "http.tls.key-file: 'a\\u0000b' is not a valid path"),
                Arguments.of("http.tls.ca-file", "a\u0000b", "http.tls.ca-file: 'a\\u0000b' is not a valid path"),
                Arguments.of("http.auth.tokens-file", "a\u0000b", "http.auth.tokens-file: 'a\\u0000b' is not a valid path"),
                Arguments.of("cluster.seeds", "node-2", "cluster.seeds: seed 1: 'node-2' is not id@internodeHost:port"),
                Arguments.of("gossip.interval", "5ms", "gossip.interval: 5ms is out of range 10ms..1m"),
                Arguments.of("gossip.fanout", "0", "gossip.fanout: 0 is out of range 1..16"),
                Arguments.of("failure-detector.threshold", "0", "failure-detector.threshold: 0 is out of range 0.5..64"),
                Arguments.of("failure-detector.threshold", "high", "failure-detector.threshold: 'high' is not a decimal number"),
                Arguments.of("failure-detector.acceptable-heartbeat-pause", "6m", "failure-detector.acceptable-heartbeat-pause: 6m is out of range 0s..5m"),
                Arguments.of("failure-detector.min-std-deviation", "0ms", "failure-detector.min-std-deviation: 0s is out of range 1ms..1m"),
                Arguments.of("failure-detector.max-sample-size", "1", "failure-detector.max-sample-size: 1 is out of range 2..100000"),
                Arguments.of("failure-detector.first-heartbeat-estimate", "2m", "failure-detector.first-heartbeat-estimate: 2m is out of range 1ms..1m"),
                Arguments.of("failure-detector.max-interval", "11m", "failure-detector.max-interval: 11m is out of range 1ms..10m"),
                Arguments.of("failure-detector.max-local-pause", "11m", "failure-detector.max-local-pause: 11m is out of range 1ms..10m"),
                Arguments.of("internode.host", "a/b", "internode.host: 'a/b' is not a host name or IP address"),
                Arguments.of("internode.port", "70000", "internode.port: 70000 is out of range 0..65535"),
                Arguments.of("internode.connect-timeout", "5ms", "internode.connect-timeout: 5ms is out of range 10ms..1m"),
                Arguments.of("internode.connect-timeout", "61s", "internode.connect-timeout: 61s is out of range 10ms..1m"),
                Arguments.of("internode.frame-bytes-max", "2GiB", "internode.frame-bytes-max: '2GiB' is out of range (allowed 1MiB..1GiB)"),
                Arguments.of("internode.frame-bytes-max", "1KiB", "internode.frame-bytes-max: 1KiB is out of range 1MiB..1GiB"),
                Arguments.of("cluster.members", "node-1", "cluster.members: member 1: 'node-1' is not id@internodeHost:port/httpHost:port"),
                Arguments.of("ring.vnodes-per-node", "0", "ring.vnodes-per-node: 0 is out of range 1..4096"),
                Arguments.of("ring.vnodes-per-node", "4097", "ring.vnodes-per-node: 4097 is out of range 1..4096"),
                Arguments.of("quorum.n", "0", "quorum.n: 0 is out of range 1..16"),
                Arguments.of("quorum.n", "17", "quorum.n: 17 is out of range 1..16"),
                Arguments.of("quorum.r", "0", "quorum.r: 0 is out of range 1..quorum.n"),
                Arguments.of("quorum.w", "-2", "quorum.w: -2 is out of range 1..quorum.n"),
                Arguments.of("quorum.request-timeout", "0", "quorum.request-timeout: 0s is out of range 1ms..1m"),
                Arguments.of("quorum.request-timeout", "2m", "quorum.request-timeout: 2m is out of range 1ms..1m"),
                Arguments.of("quorum.sloppy", "yes", "quorum.sloppy: 'yes' is not a boolean (allowed true, false)"),
                Arguments.of("quorum.digest-reads", "on", "quorum.digest-reads: 'on' is not a boolean (allowed true, false)"),
                Arguments.of("quorum.read-fanout", "some", "quorum.read-fanout: 'some' is not a known value (allowed quorum, all)"),
                Arguments.of("handoff.enabled", "1", "handoff.enabled: '1' is not a boolean (allowed true, false)"),
                Arguments.of("handoff.max-hints-per-owner", "0", "handoff.max-hints-per-owner: 0 is out of range 1..2147483647"),
                Arguments.of("handoff.rate", "0", "handoff.rate: 0 is out of range 1..2147483647"),
                Arguments.of("handoff.batch-size", "10001", "handoff.batch-size: 10001 is out of range 1..10000"),
                Arguments.of("handoff.batch-size", "0", "handoff.batch-size: 0 is out of range 1..10000"),
                Arguments.of("handoff.retry-min", "0", "handoff.retry-min: 0s is out of range 1ms..10m"),
                Arguments.of("handoff.retry-max", "2h", "handoff.retry-max: 2h is out of range 1ms..1h"),
                Arguments.of("anti-entropy.enabled", "on", "anti-entropy.enabled: 'on' is not a boolean (allowed true, false)"),
                Arguments.of("anti-entropy.interval", "5ms", "anti-entropy.interval: 5ms is out of range 10ms..24h"),
                Arguments.of("anti-entropy.max-bytes-per-exchange", "32KiB",
                        "anti-entropy.max-bytes-per-exchange: 32KiB is out of range 64KiB..1GiB"),
                Arguments.of("anti-entropy.max-bytes-per-exchange", "lots",
                        "anti-entropy.max-bytes-per-exchange: 'lots' is not a size"),
                Arguments.of("anti-entropy.timeout", "2h", "anti-entropy.timeout: 2h is out of range 10ms..1h"),
                Arguments.of("cluster.replace", "-dead", "cluster.replace: '-dead' is not a valid node id"),
                Arguments.of("transfer.rate", "1KiB", "transfer.rate: 1KiB is out of range 64KiB..2147483647"),
                Arguments.of("transfer.concurrency", "0", "transfer.concurrency: 0 is out of range 1..64"),
                Arguments.of("storage.engine", "disk", "storage.engine: 'disk' is not a known value (allowed log, memory)"),
                Arguments.of("storage.sync", "sometimes", "storage.sync: 'sometimes' is not a known value (allowed always, interval, never)"),
                Arguments.of("storage.sync-interval", "0", "storage.sync-interval: 0s is out of range 1ms..10m"),
                Arguments.of("storage.sync-window", "1s", "storage.sync-window: 1s is out of range 0s..100ms"),
                Arguments.of("storage.segment-size", "1KiB", "storage.segment-size: 1KiB is out of range 1MiB..1GiB"),
                Arguments.of("storage.cache-size", "2GiB", "storage.cache-size: '2GiB' is out of range (allowed 0..1GiB, or 1%..80% of the heap)"),
                Arguments.of("storage.cache-size", "90%", "storage.cache-size: 90% is out of range 0..1GiB, or 1%..80% of the heap"),
                Arguments.of("storage.cache-size", "0%", "storage.cache-size: 0% is out of range 0..1GiB, or 1%..80% of the heap"),
                Arguments.of("storage.cache-size", "a third%", "storage.cache-size: 'a third%' is not a whole percentage of the heap such as 30%"),
                Arguments.of("storage.compression-threshold", "0", "storage.compression-threshold: 0 is out of range 1..64MiB"),
                Arguments.of("storage.compaction-rate", "1KiB", "storage.compaction-rate: 1KiB is out of range 1MiB..1GiB"),
                Arguments.of("storage.compaction-trigger", "101", "storage.compaction-trigger: 101 is out of range 1..100"),
                Arguments.of("storage.tombstone-grace", "P400D", "storage.tombstone-grace: 9600h is out of range 0s..8760h"),
                Arguments.of("storage.siblings-max", "0", "storage.siblings-max: 0 is out of range 1..65536"),
                Arguments.of("storage.key-bytes-max", "1KiB", "storage.key-bytes-max: 1KiB is out of range 64KiB..1GiB"),
                Arguments.of("logging.format", "xml", "logging.format: 'xml' is not a known value (allowed text, json)"),
                Arguments.of("logging.requests", "on", "logging.requests: 'on' is not a boolean (allowed true, false)"),
                Arguments.of("internode.idle-timeout", "10ms", "internode.idle-timeout: 10ms is out of range 1s..24h"),
                Arguments.of("internode.handshake-timeout", "2m", "internode.handshake-timeout: 2m is out of range 10ms..1m"),
                Arguments.of("internode.send-queue-bytes-max", "1KiB",
                        "internode.send-queue-bytes-max: 1KiB is out of range 1MiB..1GiB"),
                Arguments.of("internode.secret-file", "/nonexistent/kvorum.secret",
                        "internode.secret-file: '/nonexistent/kvorum.secret' does not exist"),
                Arguments.of("internode.tls.cert-file", "/nonexistent/node.pem",
                        "internode.tls.cert-file: '/nonexistent/node.pem' is not a readable file"),
                Arguments.of("internode.tls.key-file", "/nonexistent/node.key",
                        "internode.tls.key-file: '/nonexistent/node.key' is not a readable file"),
                Arguments.of("internode.tls.ca-file", "/nonexistent/ca.pem",
                        "internode.tls.ca-file: '/nonexistent/ca.pem' is not a readable file"),
                Arguments.of("cluster.name", "-dash-first", "cluster.name: '-dash-first' is not a valid name"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void badValueNamesKeyAllowedValuesAndFlag(String key, String value, String expected) {
        ConfigException error = assertConfigError(() -> fromFlags("--" + key + "=" + value),
                expected, "from flag --" + key);
        assertEquals(List.of(key), error.keys());
        assertEquals(true, error.getMessage().startsWith(key + ": "));
    }

    @Test
    void everyKeyHasABadValueCase() {
        Set<String> covered = new TreeSet<>();
        badValues().forEach(arguments -> covered.add((String) arguments.get()[0]));
        Set<String> all = new TreeSet<>();
        ConfigKeys.all().forEach(key -> all.add(key.name()));

        assertEquals(all, covered);
    }

    @Test
    void aTlsKeyWithoutItsCertificateNamesBothKeys() {
        ConfigException error = assertConfigError(() -> fromFlags("--http.tls.key-file=key.pem"),
                "http.tls.cert-file: must be set too, as http.tls.key-file is (TLS needs both the certificate and its key)");
        assertEquals(List.of("http.tls.cert-file", "http.tls.key-file"), error.keys());
        assertConfigError(() -> fromFlags("--http.tls.cert-file=cert.pem"), "http.tls.key-file: must be set too");
    }

    @Test
    void readQuorumAboveNNamesBothKeysAndTheRange() {
        ConfigException error = assertConfigError(() -> fromFlags("--quorum.n=3", "--quorum.r=5"),
                "quorum.r: 5 is out of range 1..3 (at most quorum.n); quorum.r from flag --quorum.r, quorum.n from flag --quorum.n");
        assertEquals(List.of("quorum.r", "quorum.n"), error.keys());
    }

    @Test
    void writeQuorumAboveNNamesTheDefaultWhenNIsSetLower() {
        assertConfigError(() -> fromFlags("--quorum.n=1", "--quorum.r=1"),
                "quorum.w: 2 is out of range 1..1 (at most quorum.n); quorum.w from default, quorum.n from flag --quorum.n");
    }

    @Test
    void quorumsEqualToNAreAllowed() {
        assertEquals(new QuorumConfig(5, 5, 5, Duration.ofSeconds(2), true),
                fromFlags("--quorum.n=5", "--quorum.r=5", "--quorum.w=5").quorum());
    }

    @Test
    void handoffRetryMaxBelowRetryMinNamesBothKeys() {
        ConfigException error = assertConfigError(() -> fromFlags("--handoff.retry-max=500ms"),
                "handoff.retry-max: 500ms is below handoff.retry-min 1s (must be at least handoff.retry-min);"
                + " handoff.retry-max from flag --handoff.retry-max, handoff.retry-min from default");
        assertEquals(List.of("handoff.retry-max", "handoff.retry-min"), error.keys());
    }

    @Test
    void handoffRetryMaxEqualToRetryMinIsAllowed() {
        HandoffConfig handoff = fromFlags("--handoff.retry-min=5s", "--handoff.retry-max=5s").handoff();

        assertEquals(Duration.ofSeconds(5), handoff.retryMin());
        assertEquals(Duration.ofSeconds(5), handoff.retryMax());
    }

    @Test
    void frameMustFitFourValuesPlusOverhead() {
        assertConfigError(() -> fromFlags("--http.value-bytes-max=32MiB"),
                "internode.frame-bytes-max: 80MiB is below 129MiB, the minimum for http.value-bytes-max 32MiB",
                "(must be at least http.value-bytes-max * 4 + 1MiB)",
                "internode.frame-bytes-max from default, http.value-bytes-max from flag --http.value-bytes-max");
        assertEquals((int) (129 * Units.MIB), fromFlags("--http.value-bytes-max=32MiB",
                "--internode.frame-bytes-max=129MiB").internode().frameBytesMax());
        assertEquals((int) (257 * Units.MIB), fromFlags("--http.value-bytes-max=64MiB",
                "--internode.frame-bytes-max=257MiB").internode().frameBytesMax());
    }

    @Test
    void frameRuleHoldsForProgrammaticConfigs() {
        KvorumConfig config = KvorumConfig.defaults();
        InternodeConfig small = new InternodeConfig("127.0.0.1", 0, Duration.ofSeconds(1), (int) Units.MIB);

        assertConfigError(() -> config.withInternode(small),
                "internode.frame-bytes-max: 1MiB is below 5MiB", "http.value-bytes-max");
    }

    @Test
    void keyLimitMustHoldTheLargestValue() {
        ConfigException error = assertConfigError(() -> fromFlags("--storage.key-bytes-max=1MiB"),
                "storage.key-bytes-max: 1MiB is below 1088KiB, the minimum for http.value-bytes-max 1MiB",
                "(must be at least http.value-bytes-max + 64KiB, so that one value always fits)");
        assertEquals(List.of("storage.key-bytes-max", "http.value-bytes-max"), error.keys());
        assertEquals((int) (2 * Units.MIB), fromFlags("--storage.key-bytes-max=2MiB").storage().keyBytesMax());
    }

    @Test
    void frameMustHoldNKeyLimits() {
        ConfigException error = assertConfigError(() -> fromFlags("--storage.key-bytes-max=40MiB"),
                "internode.frame-bytes-max: 80MiB is below 121MiB, the minimum for storage.key-bytes-max 40MiB and quorum.n 3",
                "a replica may hold what each of N coordinators admitted");
        assertEquals(List.of("internode.frame-bytes-max", "storage.key-bytes-max", "quorum.n"), error.keys());
        assertEquals((int) (40 * Units.MIB), fromFlags("--storage.key-bytes-max=40MiB", "--internode.frame-bytes-max=121MiB")
                .storage().keyBytesMax());
    }

    @Test
    void keyLimitDefaultFollowsTheFrameTheValueAndN() {
        assertEquals((int) (8 * Units.MIB), KvorumConfig.defaults().storage().keyBytesMax());
        assertEquals(100, KvorumConfig.defaults().storage().siblingsMax());
        assertEquals((int) (79 * Units.MIB / 16), fromFlags("--quorum.n=16", "--quorum.r=1", "--quorum.w=1").storage().keyBytesMax(),
                "(80MiB - 1MiB) / 16");
        assertEquals((int) (32 * Units.MIB + 64 * Units.KIB), fromFlags("--http.value-bytes-max=32MiB",
                "--internode.frame-bytes-max=129MiB").storage().keyBytesMax());
    }

    @Test
    void nodeMustBeAmongMembers() {
        ConfigException error = assertConfigError(() -> fromFlags("--node.id=node-3",
                        "--cluster.members=node-1@h1:9081/h1:8081,node-2@h2:9081/h2:8081"),
                "cluster.members: does not include this node's node.id 'node-3' (members: node-1, node-2)",
                "cluster.members from flag --cluster.members, node.id from flag --node.id");
        assertEquals(List.of("cluster.members", "node.id"), error.keys());
    }

    @Test
    void memberIdsMustBeUnique() {
        assertConfigError(() -> fromFlags("--cluster.members=node-1@h1:9081/h1:8081,node-1@h2:9081/h2:8081"),
                "cluster.members: node id 'node-1' is listed twice, from flag --cluster.members");
    }

    @Test
    void recordsValidateWhenBuiltDirectly() {
        assertConfigError(() -> new HttpConfig("127.0.0.1", 70_000, 1024), "http.port: 70000 is out of range 0..65535");
        assertConfigError(() -> new QuorumConfig(2, 3, 1, Duration.ofSeconds(1), true), "quorum.r: 3 is out of range 1..2");
        assertConfigError(() -> new NodeConfig(NodeId.of("a"), null, Duration.ZERO), "node.data-dir: must be set");
        assertConfigError(() -> new NodeConfig(NodeId.of("a"), Path.of("d"), Duration.ofMillis(-1)),
                "node.shutdown-timeout: -1ms is out of range 0s..5m");
        assertConfigError(() -> new RingConfig(0), "ring.vnodes-per-node: 0 is out of range 1..4096");
        assertConfigError(() -> new StorageConfig(null), "storage.engine: must be set");
        assertConfigError(() -> new LoggingConfig(null, false), "logging.format: must be set");
        assertConfigError(() -> new StorageConfig(StorageConfig.Engine.LOG).withEngine(null), "storage.engine: must be set");
        assertConfigError(() -> new HandoffConfig(true, 0, 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                "handoff.max-hints-per-owner: 0 is out of range 1..2147483647");
        assertConfigError(() -> new HandoffConfig(true, 1, 1, 1, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                "handoff.retry-max: 1s is below handoff.retry-min 2s");
        assertConfigError(() -> new HandoffConfig(true, 1, 1, 1, null, Duration.ofSeconds(1)), "handoff.retry-min: must be set");
        assertConfigError(() -> new AntiEntropyConfig(true, Duration.ofSeconds(10), 1024, Duration.ofSeconds(30)),
                "anti-entropy.max-bytes-per-exchange: 1KiB is out of range 64KiB..1GiB");
        assertConfigError(() -> new AntiEntropyConfig(true, null, 64 * 1024, Duration.ofSeconds(30)),
                "anti-entropy.interval: must be set");
        assertConfigError(() -> KvorumConfig.defaults().withHandoff(null), "handoff: must be set");
        assertConfigError(() -> KvorumConfig.defaults().withAntiEntropy(null), "antiEntropy: must be set");
        assertConfigError(() -> new ClusterConfig(List.of()), "cluster.members: lists no members");
        assertConfigError(() -> KvorumConfig.defaults().withNode(new NodeConfig(NodeId.of("x"), Path.of("d"), Duration.ZERO)),
                "cluster.members: does not include this node's node.id 'x'");
    }
}
