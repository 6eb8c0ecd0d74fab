package io.kvorum.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a Kvorum answer: its context and values, each worked out once. */
class ReplyTest {

    @Test
    void contextIsScannedFromTheEndOnceAndKept() {
        Reply reply = reply(200, "{\"key\":\"k\",\"values\":[{\"field0\":\"a\"}],\"context\":\"c1\"}");
        String first = reply.context();
        assertEquals("c1", first);
        assertSame(first, reply.context(), "asked again, not scanned again");
    }

    @Test
    void contextElsewhereIsParsedAndThatParseServesTheValuesToo() {
        Reply reply = reply(200, "{\"context\":\"c2\",\"values\":[{\"field0\":\"a\"},{\"field0\":\"b\"}]}");
        assertEquals("c2", reply.context());
        List<Object> values = reply.values();
        assertEquals(List.of(new JsonObject().put("field0", "a"), new JsonObject().put("field0", "b")), values);
        // Each value wraps a map of the one parsed body, so a second parse would show as new maps.
        assertSame(((JsonObject) values.get(0)).getMap(), ((JsonObject) reply.values().get(0)).getMap());
    }

    @Test
    void answersWithoutAContextHaveNone() {
        Reply notFound = reply(404, "{\"error\":\"not_found\",\"message\":\"none\"}");
        assertNull(notFound.context());
        assertNull(notFound.context());
        assertEquals(List.of(), notFound.values());
        assertNull(reply(502, "<html>bad gateway \"context\"</html>").context());
    }

    @Test
    void notFoundWithTombstonesCarriesItsContext() {
        assertEquals("c3", reply(404, "{\"error\":\"not_found\",\"message\":\"m\", \"context\" : \"c3\" }").context());
    }

    private static Reply reply(int status, String body) {
        return new Reply(status, Buffer.buffer(body));
    }
}
