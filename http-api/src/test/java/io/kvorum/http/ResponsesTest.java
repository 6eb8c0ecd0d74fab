package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesTest {
    private final Responses responses = new Responses();

    @Test
    void aWriteReceiptListsPrimariesByNodeAndRole() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Written(Key.of("k"), "c1",
                List.of(Receipt.primary(NodeId.of("node-2")), Receipt.primary(NodeId.of("node-1")))));
        assertEquals(200, reply.status());
        assertEquals("{\"key\":\"k\",\"context\":\"c1\",\"replicas\":[{\"node\":\"node-2\",\"role\":\"primary\"},"
                + "{\"node\":\"node-1\",\"role\":\"primary\"}]}", reply.body().utf8String());
    }

    @Test
    void aFallbackNamesTheReplicaItHoldsTheHintFor() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Written(Key.of("k"), "c2",
                List.of(Receipt.primary(NodeId.of("node-2")),
                        Receipt.fallback(NodeId.of("node-4"), NodeId.of("node-3")))));
        assertEquals("{\"key\":\"k\",\"context\":\"c2\",\"replicas\":[{\"node\":\"node-2\",\"role\":\"primary\"},"
                + "{\"node\":\"node-4\",\"role\":\"fallback\",\"for\":\"node-3\"}]}", reply.body().utf8String());
    }

    @Test
    void anEmptyReceiptIsStillAnArray() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Written(Key.of("k"), "c3", List.of()));
        assertEquals("{\"key\":\"k\",\"context\":\"c3\",\"replicas\":[]}", reply.body().utf8String());
    }

    @Test
    void tooManySiblingsIs409NamingTheLimitAndTheWayBack() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.LimitExceeded(WriteResult.KeyLimit.SIBLINGS, 101, 100));
        assertEquals(409, reply.status());
        String body = reply.body().utf8String();
        assertTrue(body.startsWith("{\"error\":\"too_many_siblings\",\"message\":\"the write would leave 101 siblings on this key,"
                + " more than storage.siblings-max (100); nothing was stored."), body);
        assertTrue(body.endsWith("\"limit\":100,\"actual\":101,\"setting\":\"storage.siblings-max\"}"), body);
    }

    @Test
    void aKeyTooLargeIs413WithTheByteLimitAsEvery413Has() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.LimitExceeded(WriteResult.KeyLimit.BYTES, 9_000_000, 8_388_608));
        assertEquals(413, reply.status());
        String body = reply.body().utf8String();
        assertTrue(body.contains("\"error\":\"key_too_large\""), body);
        assertTrue(body.contains("write with the context of that read"), body);
        assertTrue(body.endsWith("\"limit\":8388608,\"actual\":9000000,\"setting\":\"storage.key-bytes-max\"}"), body);
    }
}
