package io.kvorum.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.bench.FakeKvServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The harness's client against the map-backed fake: statuses, contexts and values as exact JSON text. */
class BenchClientTest {

    @Test
    void readsAndWritesAsReplies() {
        try (FakeKvServer server = new FakeKvServer(0, Set.of());
             BenchClient client = new BenchClient(new ClientSettings(List.of(new Endpoint("127.0.0.1", server.port())), 2, 5000))) {
            Reply missing = await(client.get("user1", null));
            assertEquals(404, missing.status());
            assertEquals(List.of(), missing.values());

            Reply written = await(client.put("user1", "{\"field0\":\"tag-1 x\"}", null, "2"));
            assertEquals(200, written.status());
            assertEquals("c", written.context());

            Reply read = await(client.get("user1", "2"));
            assertEquals(200, read.status());
            assertEquals(List.of("{\"field0\":\"tag-1 x\"}"), read.values(), "values come back as their exact text");
            assertEquals(List.of(new JsonObject().put("field0", "tag-1 x")), read.parsedValues());
            assertEquals("c", read.context());
            assertEquals(client.stats().requests(), client.stats().withoutRing(), "a fake without tokens: round-robin");
        }
    }

    @Test
    void anUnreachableClusterIsRejectedUpFront() {
        RuntimeException none = assertThrows(RuntimeException.class,
                () -> new BenchClient(new ClientSettings(List.of(new Endpoint("127.0.0.1", 1)), 1, 500)));
        assertTrue(none.getMessage().contains("127.0.0.1:1"), none.getMessage());
    }

    @Test
    void aValueThatIsNotAnObjectParsesToNull() {
        Reply reply = new Reply(200, null, List.of("[1]"));
        assertNull(reply.parsedValues().get(0));
    }

    private static Reply await(Future<Reply> reply) {
        return reply.toCompletionStage().toCompletableFuture().join();
    }
}
