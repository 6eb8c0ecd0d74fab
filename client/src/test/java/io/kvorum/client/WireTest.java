package io.kvorum.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Bodies in and out: values typed and raw, contexts, receipts, and answers that are not the API's. */
class WireTest {
    private final Wire wire = new Wire(new ObjectMapper());

    @Test
    void rawValuesComeBackByteForByteWhateverTheirKind() throws Exception {
        List<String> values = List.of("1.50", "1E+400", "-0", "\"caf\\u00e9 \\\"q\\\" é\"", "true", "null",
                "{\"a\": [1, {\"b\": \"}\"}], \"c\" : \"x\"}", "[ ]", "\"\"", "{}");
        String body = "{\"key\":\"k\",\"values\":[" + String.join(" , ", values) + "],\"context\":\"ctx\"}";
        Fetched<RawJson> fetched = wire.fetched("k", body.getBytes(StandardCharsets.UTF_8), wire.type(RawJson.class));
        assertEquals(values, fetched.values().stream().map(RawJson::json).toList());
        assertEquals(Optional.of("ctx"), fetched.context());
    }

    @Test
    void typedValuesAndThePutBody() throws Exception {
        String body = "{\"key\":\"k\",\"values\":[{\"n\":1},{\"n\":2}],\"context\":\"c1\"}";
        Fetched<Map> fetched = wire.fetched("k", body.getBytes(StandardCharsets.UTF_8), wire.type(Map.class));
        assertEquals(List.of(Map.of("n", 1), Map.of("n", 2)), fetched.values());
        assertEquals(true, fetched.isConflict());
        assertThrows(IllegalStateException.class, fetched::value);
        assertEquals("{\"value\":{\"n\":3},\"context\":\"c\\\"1\"}",
                new String(wire.putBody(Map.of("n", 3), "c\"1"), StandardCharsets.UTF_8));
        assertEquals("{\"value\": [1, 2]}", new String(wire.putBody(new RawJson(" [1, 2]".strip()), null), StandardCharsets.UTF_8)
                .replace("{\"value\":", "{\"value\": "));
    }

    @Test
    void receiptsAndErrors() throws Exception {
        Written written = wire.written("k", ("{\"key\":\"k\",\"context\":\"c\",\"replicas\":[{\"node\":\"node-2\",\"role\":\"primary\"},"
                + "{\"node\":\"node-4\",\"role\":\"fallback\",\"for\":\"node-3\"}]}").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new Receipt("node-2", "primary", Optional.empty()), new Receipt("node-4", "fallback", Optional.of("node-3"))),
                written.replicas());
        assertEquals(true, wire.error("not json".getBytes(StandardCharsets.UTF_8)).isEmpty());
        assertThrows(java.io.IOException.class, () -> wire.fetched("k", "[1]".getBytes(StandardCharsets.UTF_8), wire.type(Map.class)));
    }

    @Test
    void rawJsonMustBeExactlyOneValueSoItCannotInjectFields() {
        for (String bad : List.of("1,\"context\":\"x\"", "{\"a\":1", "1 2", "{} {}", "nope", "[1,]")) {
            assertThrows(IllegalArgumentException.class, () -> wire.putBody(new RawJson(bad), null), bad);
        }
        assertEquals("{\"value\": {\"a\": [1, \"}\"]} }", new String(wire.putBody(new RawJson(" {\"a\": [1, \"}\"]} "), null),
                StandardCharsets.UTF_8));
    }
}
