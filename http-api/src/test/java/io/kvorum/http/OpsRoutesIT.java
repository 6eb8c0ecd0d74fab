package io.kvorum.http;

import static io.kvorum.http.KvRoutesIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.common.NodeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read-only operations routes: node and cluster status, transfers, context decoding, the dashboard. */
class OpsRoutesIT {
    private final RunningApi node = RunningApi.small();

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void nodeStatusRendersTheServiceFigures() {
        node.put("/kv/a", "{\"value\":1}");
        JsonNode status = node.get("/node/status").json();
        assertEquals("node-1", status.get("node").asText());
        assertEquals("127.0.0.1:9001", status.get("internode").asText());
        assertEquals(42, status.get("keys").asLong());
        assertEquals(7, status.at("/hints/pending").asLong());
        assertEquals("node-2", status.at("/hints/targets/0/target").asText());
        assertTrue(status.at("/anti_entropy/enabled").asBoolean());
        assertEquals(1500, status.at("/anti_entropy/oldest_sync_age_ms").asLong());
        JsonNode range = status.at("/anti_entropy/ranges/0");
        assertEquals("node-3", range.get("peer").asText());
        assertEquals(Long.toString(Long.MIN_VALUE), range.at("/range/0").asText(), "tokens are strings, not rounded numbers");
        assertEquals(1, status.at("/requests/put/count").asLong());
        assertEquals(0, status.at("/requests/get/count").asLong());
    }

    @Test
    void clusterStatusAsksEveryMemberAndNamesTheOnesThatDoNotAnswer() {
        try (RunningApi peer = RunningApi.small()) {
            int closedPort = closedPort();
            node.service.onMembers = () -> new MembersView(RecordingKvService.SELF, List.of(
                    new MembersView.Member(RecordingKvService.SELF, "127.0.0.1:" + node.port, "127.0.0.1:1",
                            MembersView.Status.UP, OptionalDouble.of(0.5)),
                    new MembersView.Member(NodeId.of("node-2"), "127.0.0.1:" + peer.port, "127.0.0.1:2",
                            MembersView.Status.UP, OptionalDouble.of(1.0)),
                    new MembersView.Member(NodeId.of("node-3"), "127.0.0.1:" + closedPort, "127.0.0.1:3",
                            MembersView.Status.DOWN, OptionalDouble.empty())));
            peer.put("/kv/x", "{\"value\":2}");

            RunningApi.Answer answer = node.get("/cluster/status");
            assertEquals(200, answer.status(), answer.body());
            JsonNode members = answer.json().get("members");
            assertEquals(3, members.size());
            assertEquals(42, members.at("/0/report/keys").asLong());
            assertEquals(0.5, members.at("/0/share").asDouble());
            assertEquals(1, members.at("/1/report/requests/put/count").asLong(), "node-2's figures come from node-2");
            assertTrue(members.at("/2/report").isNull());
            assertTrue(members.at("/2/report_error").asText().startsWith("no figures from node-3"), members.toString());
            assertTrue(members.at("/2/phi").isNull());
            assertEquals("down", members.at("/2/status").asText());
            assertEquals(0, answer.json().get("transfers").size());
        }
    }

    @Test
    void transfersIsAnEmptyList() {
        JsonNode body = node.get("/cluster/transfers").json();
        assertTrue(body.get("transfers").isArray());
        assertEquals(0, body.get("transfers").size());
    }

    @Test
    void contextsDecodeOrAre400() {
        JsonNode decoded = node.get("/context/v17").json();
        assertEquals("v17", decoded.get("context").asText());
        assertEquals("node-1", decoded.at("/versions/0/node").asText());
        assertEquals(17, decoded.at("/versions/0/counter").asLong());
        assertTrue(decoded.get("dots").isArray());
        for (String bad : List.of("/context/", "/context/nope", "/context/v1/x")) {
            assertError(node.get(bad), 400, "invalid_context");
        }
    }

    @Test
    void opsRoutesAreGetOnly() {
        for (String path : List.of("/node/status", "/cluster/status", "/cluster/transfers", "/context/v1", "/ui")) {
            RunningApi.Answer answer = node.send("POST", path, "{}");
            assertEquals(405, answer.status(), path);
            assertEquals("GET", answer.header("Allow"), path);
        }
    }

    @Test
    void withoutTheDashboardResourceUiIs404() {
        // The page ships in the node's jar; this module's tests do not have it on the class path.
        for (String path : List.of("/ui", "/ui/")) {
            JsonNode error = assertError(node.get(path), 404, "no_such_route");
            assertTrue(error.get("message").asText().contains("kvorum-ui/index.html"), error.toString());
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
