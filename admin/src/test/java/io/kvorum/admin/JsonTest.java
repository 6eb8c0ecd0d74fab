package io.kvorum.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsKeepingNumberTextAndFieldOrder() {
        String text = "{\"z\":1.50,\"a\":[true,false,null,\"x\\\"y\\n\\u00e9\"],\"n\":-0,\"e\":1E+400,\"o\":{}}";
        Json json = Json.parse(text);
        assertEquals("{\"z\":1.50,\"a\":[true,false,null,\"x\\\"y\\né\"],\"n\":-0,\"e\":1E+400,\"o\":{}}", json.write());
        assertEquals("1.50", json.get("z").text("?"));
        assertEquals(3, json.get("a").items().size() - 1);
        assertTrue(json.get("missing").isNull());
        assertTrue(json.get("z").get("deeper").isNull(), "get on a non-object is null, not an exception");
    }

    @Test
    void prettyPrintingIndentsByTwo() {
        assertEquals("{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}", Json.parse("{\"a\":[1],\"b\":{}}").writePretty());
    }

    @Test
    void malformedTextIsRejectedWithAPosition() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"", "1 2", "{'a':1}",
                "\"a\nb\"", "[" .repeat(600) + "]".repeat(600))) {
            Json.MalformedException e = assertThrows(Json.MalformedException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("not JSON: "), e.getMessage());
        }
    }
}
