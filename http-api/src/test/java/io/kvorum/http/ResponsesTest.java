package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
