package io.kvorum.config;

import static io.kvorum.config.Configs.assertConfigError;
import static io.kvorum.config.Configs.fromFlags;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterMembersTest {
    private static final String THREE = "node-3@10.0.0.3:9081/10.0.0.3:8081,"
            + "node-1@10.0.0.1:9081/10.0.0.1:8081,node-2@10.0.0.2:9081/10.0.0.2:8081";

    @TempDir
    Path dir;

    @Test
    void flagFormKeepsOrderAndAddresses() {
        ClusterConfig cluster = fromFlags("--cluster.members=" + THREE).cluster();

        assertEquals(List.of(NodeId.of("node-3"), NodeId.of("node-1"), NodeId.of("node-2")), cluster.ids());
        assertEquals(new MemberAddress(NodeId.of("node-1"), new HostPort("10.0.0.1", 9081), new HostPort("10.0.0.1", 8081)),
                cluster.members().get(1));
    }

    @Test
    void envFormEqualsFlagForm() {
        KvorumConfig fromEnv = ConfigLoader.load(List.of(), Map.of("KVORUM_CLUSTER_MEMBERS", THREE));

        assertEquals(fromFlags("--cluster.members", THREE), fromEnv);
    }

    @Test
    void fileFormsKeepOrder() throws IOException {
        Path objects = Files.writeString(dir.resolve("objects.yaml"), """
                cluster:
                  members:
                    - id: node-3
                      internode: 10.0.0.3:9081
                      http: 10.0.0.3:8081
                    - {id: node-1, internode: "10.0.0.1:9081", http: "10.0.0.1:8081"}
                    - node-2@10.0.0.2:9081/10.0.0.2:8081
                """);
        Path text = Files.writeString(dir.resolve("text.yaml"), "cluster.members: " + THREE + "\n");

        KvorumConfig expected = fromFlags("--cluster.members=" + THREE);
        assertEquals(expected, ConfigLoader.load(List.of("--config", objects.toString()), Map.of()));
        assertEquals(expected, ConfigLoader.load(List.of("--config", text.toString()), Map.of()));
    }

    @Test
    void spacesAroundEntriesAreAllowed() {
        assertEquals(2, fromFlags("--cluster.members= node-1@a:1/a:2 , node-2@b:1/b:2 ").cluster().members().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "node-1@127.0.0.1:9081/127.0.0.1:8081",
        "n@[::1]:9081/[fe80::1]:8081",
        "db-7.eu@db-7.eu.example.com:1/localhost:0",
    })
    void entryRoundTrips(String text) {
        assertEquals(text, MemberAddress.parse(text).toString());
    }

    @Test
    void hostPortParsesAndPrints() {
        assertEquals(new HostPort("example.com", 80), HostPort.parse("example.com:80"));
        assertEquals(new HostPort("::1", 9081), HostPort.parse("[::1]:9081"));
        assertEquals("[::1]:9081", new HostPort("::1", 9081).toString());
        assertEquals("10.0.0.1:0", new HostPort("10.0.0.1", 0).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "host:", ":80", "host:http", "host:65536", "::1:80", "a b:80", "host:-1"})
    void malformedHostPortIsRejected(String text) {
        assertConfigError(() -> HostPort.parse(text), "is not");
    }

    @Test
    void malformedEntriesNameTheirPosition() {
        assertConfigError(() -> fromFlags("--cluster.members=node-1@a:1/a:2,,node-2@b:1/b:2"),
                "cluster.members: member 2 is empty", "from flag --cluster.members");
        assertConfigError(() -> fromFlags("--cluster.members=node-1@a:1/a:2,node-2@b:1"),
                "cluster.members: member 2: 'node-2@b:1' is not id@internodeHost:port/httpHost:port");
        assertConfigError(() -> fromFlags("--cluster.members=node-1@a:1/a:2,node 2@b:1/b:2"),
                "cluster.members: member 2: node id must be 1-64 characters");
        assertConfigError(() -> fromFlags("--cluster.members=node-1@a:1/a:99999"),
                "cluster.members: member 1: 'a:99999' is not host:port (port '99999' is not in 0..65535)");
    }

    @Test
    void malformedFileEntriesNameTheProblem() throws IOException {
        Path typo = Files.writeString(dir.resolve("typo.yaml"),
                "cluster.members:\n  - {id: node-1, internode: \"a:1\", htpp: \"a:2\"}\n");
        Path missing = Files.writeString(dir.resolve("missing.yaml"),
                "cluster.members:\n  - {id: node-1, internode: \"a:1\"}\n");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "cluster.members: []\n");

        assertConfigError(() -> ConfigLoader.load(List.of("--config", typo.toString()), Map.of()),
                "cluster.members: member 1 has unknown field 'htpp' (expected id, internode, http)", "from file " + typo);
        assertConfigError(() -> ConfigLoader.load(List.of("--config", missing.toString()), Map.of()),
                "cluster.members: member 1 has no http field");
        assertConfigError(() -> ConfigLoader.load(List.of("--config", empty.toString()), Map.of()),
                "cluster.members: lists no members");
    }
}
