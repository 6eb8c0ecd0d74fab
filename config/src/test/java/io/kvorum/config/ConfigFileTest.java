package io.kvorum.config;

import static io.kvorum.config.Configs.assertConfigError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.NodeId;
import io.kvorum.config.StorageConfig.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static KvorumConfig loadFile(Path file) {
        return ConfigLoader.load(List.of("--config", file.toString()), Map.of());
    }

    @Test
    void readsNestedYaml() throws IOException {
        Path file = write("kvorum.yaml", """
                node:
                  id: node-2
                  data-dir: /var/lib/kvorum
                  shutdown-timeout: 30s
                http: {host: 0.0.0.0, port: 8082, value-bytes-max: 2MiB}
                internode:
                  port: 9082
                  connect-timeout: 500ms
                  frame-bytes-max: 16MiB
                cluster:
                  members:
                    - {id: node-1, internode: "10.0.0.1:9081", http: "10.0.0.1:8081"}
                    - {id: node-2, internode: "10.0.0.2:9082", http: "10.0.0.2:8082"}
                ring:
                  vnodes-per-node: 64
                quorum:
                  n: 2
                  r: 1
                  w: 2
                  request-timeout: PT5S
                  sloppy: false
                handoff:
                  enabled: false
                  max-hints-per-owner: 500
                  rate: 200
                  batch-size: 50
                  retry-min: 250ms
                  retry-max: 2m
                anti-entropy: {enabled: false, interval: 1m, max-bytes-per-exchange: 64KiB, timeout: 90s}
                storage:
                  engine: memory
                  sync: interval
                  sync-interval: 200ms
                  tombstone-grace: 48h
                """);

        KvorumConfig config = loadFile(file);

        assertEquals(new NodeConfig(NodeId.of("node-2"), Path.of("/var/lib/kvorum"), Duration.ofSeconds(30)), config.node());
        assertEquals(new HttpConfig("0.0.0.0", 8082, 2 * 1024 * 1024), config.http());
        assertEquals(new InternodeConfig("127.0.0.1", 9082, Duration.ofMillis(500), 16 * 1024 * 1024), config.internode());
        assertEquals(List.of(NodeId.of("node-1"), NodeId.of("node-2")), config.cluster().ids());
        assertEquals(new HostPort("10.0.0.2", 8082), config.cluster().member(NodeId.of("node-2")).orElseThrow().http());
        assertEquals(new RingConfig(64), config.ring());
        assertEquals(new QuorumConfig(2, 1, 2, Duration.ofSeconds(5), false), config.quorum());
        assertEquals(new HandoffConfig(false, 500, 200, 50, Duration.ofMillis(250), Duration.ofMinutes(2)), config.handoff());
        assertEquals(new AntiEntropyConfig(false, Duration.ofMinutes(1), 64 * 1024, Duration.ofSeconds(90)), config.antiEntropy());
        assertEquals(Engine.MEMORY, config.storage().engine());
        assertEquals(StorageConfig.SyncPolicy.INTERVAL, config.storage().sync());
        assertEquals(Duration.ofMillis(200), config.storage().syncInterval());
        assertEquals(Duration.ofDays(2), config.storage().tombstoneGrace());
    }

    @Test
    void readsDottedYamlKeys() throws IOException {
        Path file = write("kvorum.yml", """
                quorum.n: 5
                quorum:
                  r: 3
                http.port: 0
                """);

        KvorumConfig config = loadFile(file);

        assertEquals(5, config.quorum().n());
        assertEquals(3, config.quorum().r());
        assertEquals(0, config.http().port());
    }

    @Test
    void readsJson() throws IOException {
        Path file = write("kvorum.json", """
                {
                \t"node": {"id": "node-3"},
                \t"quorum": {"n": 3, "r": 3, "request-timeout": 1500},
                \t"cluster": {"members": ["node-3@127.0.0.1:9083/127.0.0.1:8083", "node-4@127.0.0.1:9084/127.0.0.1:8084"]}
                }
                """);

        KvorumConfig config = loadFile(file);

        assertEquals(NodeId.of("node-3"), config.node().id());
        assertEquals(new QuorumConfig(3, 3, 2, Duration.ofMillis(1500), true), config.quorum());
        assertEquals(List.of(NodeId.of("node-3"), NodeId.of("node-4")), config.cluster().ids());
    }

    @Test
    void scalarsKeepTheirTextInsteadOfYamlTypes() throws IOException {
        Path file = write("yaml11.yaml", """
                node: {id: no}
                cluster.members: "no@127.0.0.1:9081/127.0.0.1:8081"
                http: {port: 010}
                """);
        Path hex = write("hex.yaml", "http: {port: 0x10}\n");

        KvorumConfig config = loadFile(file);

        assertEquals(NodeId.of("no"), config.node().id());
        assertEquals(10, config.http().port());
        assertConfigError(() -> loadFile(hex), "http.port: '0x10' is not an integer (allowed 0..65535), from file " + hex);
    }

    @Test
    void onlyOneYamlDocumentIsAllowed() throws IOException {
        Path file = write("two.yaml", "quorum: {n: 3}\n---\nquorum: {n: 4}\n");

        assertConfigError(() -> loadFile(file), "cannot parse at line 3", "one document only");
    }

    @Test
    void commentsOnlyFileSetsNothing() throws IOException {
        assertEquals(KvorumConfig.defaults(), loadFile(write("comments.yaml", "# quorum:\n#   n: 5\n")));
    }

    @Test
    void emptyFileSetsNothing() throws IOException {
        assertEquals(KvorumConfig.defaults(), loadFile(write("empty.yaml", "")));
    }

    @Test
    void fileNamedByEnvWhenNoFlag() throws IOException {
        Path file = write("env.yaml", "ring: {vnodes-per-node: 16}\n");

        KvorumConfig config = ConfigLoader.load(List.of(), Map.of("KVORUM_CONFIG", file.toString()));

        assertEquals(16, config.ring().vnodesPerNode());
    }

    @Test
    void configFlagBeatsConfigEnv() throws IOException {
        Path fromEnv = write("env.yaml", "ring: {vnodes-per-node: 16}\n");
        Path fromFlag = write("flag.yaml", "ring: {vnodes-per-node: 32}\n");

        KvorumConfig config = ConfigLoader.load(List.of("--config=" + fromFlag), Map.of("KVORUM_CONFIG", fromEnv.toString()));

        assertEquals(32, config.ring().vnodesPerNode());
    }

    @Test
    void unknownKeyIsNamedWithTheClosestKnownKey() throws IOException {
        Path file = write("typo.yaml", "quorum:\n  request_timeout: 3s\n");

        ConfigException error = assertConfigError(() -> loadFile(file),
                "unknown key 'quorum.request_timeout'", file.toString(), "did you mean quorum.request-timeout?");
        assertEquals(List.of(), error.keys());
    }

    @Test
    void unknownKeyAtTheWrongLevelSuggestsTheNestedKey() throws IOException {
        Path file = write("flat.yaml", "vnodes-per-node: 64\n");

        assertConfigError(() -> loadFile(file), "unknown key 'vnodes-per-node'", "did you mean ring.vnodes-per-node?");
    }

    @Test
    void unknownKeyFarFromAnyKnownKeyHasNoSuggestion() throws IOException {
        Path file = write("far.yaml", "telemetry:\n  endpoint: x\n");

        ConfigException error = assertConfigError(() -> loadFile(file), "unknown key 'telemetry.endpoint'");
        assertEquals(false, error.getMessage().contains("did you mean"));
    }

    @Test
    void parseErrorNamesFileLineAndColumn() throws IOException {
        Path file = write("broken.yaml", "quorum:\n  n: 3\n  r: [1, 2\nhttp: {port: 1}\n");

        assertConfigError(() -> loadFile(file), "config file " + file, "cannot parse at line ", ", column ",
                "expected ',' or ']'");
    }

    @Test
    void jsonParseErrorNamesFileLineAndColumn() throws IOException {
        Path file = write("broken.json", "{\n  \"quorum\": {\"n\": 3,}\n}\n");

        assertConfigError(() -> loadFile(file), "config file " + file, "cannot parse at line 2, column");
    }

    @Test
    void missingFileIsNamedWithWhereItsPathCameFrom() {
        Path missing = dir.resolve("nope.yaml");

        assertConfigError(() -> loadFile(missing), "config file " + missing, "from flag --config", "no such file");
        assertConfigError(() -> ConfigLoader.load(List.of(), Map.of("KVORUM_CONFIG", missing.toString())),
                "from env KVORUM_CONFIG", "no such file");
    }

    @Test
    void unknownExtensionIsRejected() throws IOException {
        Path file = write("kvorum.conf", "quorum.n = 3\n");

        assertConfigError(() -> loadFile(file), "config file " + file, ".yaml, .yml or .json");
    }

    @Test
    void keySetTwiceIsRejected() throws IOException {
        Path flattenedTwice = write("twice.yaml", "quorum.n: 3\nquorum:\n  n: 4\n");
        Path duplicated = write("dup.yaml", "quorum:\n  n: 3\n  n: 4\n");

        assertConfigError(() -> loadFile(flattenedTwice), "quorum.n: set twice", flattenedTwice.toString());
        assertConfigError(() -> loadFile(duplicated), "config file " + duplicated, "cannot parse at line 3", "Duplicate field 'n'");
    }

    @Test
    void topLevelMustBeAMap() throws IOException {
        Path file = write("list.yaml", "- quorum.n\n- 3\n");

        assertConfigError(() -> loadFile(file), "expected a map of settings");
    }

    @Test
    void badValueInFileNamesKeyRangeAndFile() throws IOException {
        Path file = write("bad.yaml", "http:\n  port: 70000\n");

        ConfigException error = assertConfigError(() -> loadFile(file),
                "http.port: 70000 is out of range 0..65535, from file " + file);
        assertEquals(List.of("http.port"), error.keys());
    }

    @Test
    void listOrEmptyValueForAScalarKeyIsRejected() throws IOException {
        Path list = write("list-value.yaml", "quorum:\n  n: [1, 2]\n");
        Path empty = write("empty-value.yaml", "quorum:\n  n:\n");

        assertConfigError(() -> loadFile(list), "quorum.n: expected a single value, got a list (allowed 1..16), from file");
        assertConfigError(() -> loadFile(empty), "quorum.n: has no value (allowed 1..16), from file");
    }

    @Test
    void emptySectionSetsNothing() throws IOException {
        Path braces = write("braces.yaml", "quorum: {}\n");
        Path commentedOut = write("commented.yaml", "quorum:\n  # n: 5\nring:\n");

        assertEquals(KvorumConfig.defaults(), loadFile(braces));
        assertEquals(KvorumConfig.defaults(), loadFile(commentedOut));
    }
}
