package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvorum.common.Bytes;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link JsonMergePatch} against RFC 7396: every example of its Appendix A, the §3 example, and the edges Kvorum adds. */
class JsonMergePatchTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int LIMIT_BYTES = 1 << 20;

    @ParameterizedTest(name = "{0} patched with {1} is {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\":\"b\"}                | {\"a\":\"c\"}                     | {\"a\":\"c\"}",
            "{\"a\":\"b\"}                | {\"b\":\"c\"}                     | {\"a\":\"b\",\"b\":\"c\"}",
            "{\"a\":\"b\"}                | {\"a\":null}                      | {}",
            "{\"a\":\"b\",\"b\":\"c\"}    | {\"a\":null}                      | {\"b\":\"c\"}",
            "{\"a\":[\"b\"]}              | {\"a\":\"c\"}                     | {\"a\":\"c\"}",
            "{\"a\":\"c\"}                | {\"a\":[\"b\"]}                   | {\"a\":[\"b\"]}",
            "{\"a\":{\"b\":\"c\"}}        | {\"a\":{\"b\":\"d\",\"c\":null}}  | {\"a\":{\"b\":\"d\"}}",
            "{\"a\":[{\"b\":\"c\"}]}      | {\"a\":[1]}                       | {\"a\":[1]}",
            "[\"a\",\"b\"]                | [\"c\",\"d\"]                     | [\"c\",\"d\"]",
            "{\"a\":\"b\"}                | [\"c\"]                           | [\"c\"]",
            "{\"a\":\"foo\"}              | null                              | null",
            "{\"a\":\"foo\"}              | \"bar\"                           | \"bar\"",
            "{\"e\":null}                 | {\"a\":1}                         | {\"e\":null,\"a\":1}",
            "[1,2]                        | {\"a\":\"b\",\"c\":null}          | {\"a\":\"b\"}",
            "{}                           | {\"a\":{\"bb\":{\"ccc\":null}}}   | {\"a\":{\"bb\":{}}}",
    })
    void appendixAExamples(String original, String patch, String expected) throws Exception {
        assertEquals(MAPPER.readTree(expected), patched(Optional.of(original), patch));
    }

    @Test
    void section3Example() throws Exception {
        String original = """
                {"title": "Goodbye!", "author": {"givenName": "John", "familyName": "Doe"},
                 "tags": ["example", "sample"], "content": "This will be unchanged"}""";
        String patch = """
                {"title": "Hello!", "phoneNumber": "+01-123-456-7890", "author": {"familyName": null}, "tags": ["example"]}""";
        String expected = """
                {"title": "Hello!", "author": {"givenName": "John"}, "tags": ["example"],
                 "content": "This will be unchanged", "phoneNumber": "+01-123-456-7890"}""";
        assertEquals(MAPPER.readTree(expected), patched(Optional.of(original), patch));
    }

    @Test
    void anAbsentValueIsPatchedAsAnEmptyObject() throws Exception {
        assertEquals(MAPPER.readTree("{\"a\":{\"b\":1}}"), patched(Optional.empty(), "{\"a\":{\"b\":1},\"c\":null}"));
        assertEquals(MAPPER.readTree("7"), patched(Optional.empty(), "7"));
    }

    @Test
    void membersKeepTheirOrderAndNumbersTheirExactText() {
        Bytes result = ((JsonMergePatch.Result.Patched) JsonMergePatch.of("{\"price\":1.50,\"big\":123456789012345678901234567890}",
                LIMIT_BYTES).applyTo(Optional.of(Bytes.utf8("{\"z\":0.10,\"price\":2,\"a\":true}")))).json();
        assertEquals("{\"z\":0.10,\"price\":1.50,\"a\":true,\"big\":123456789012345678901234567890}", result.utf8String());
    }

    @Test
    void thePatchDoesNotChangeItselfOrItsTargetWhenAppliedTwice() throws Exception {
        JsonMergePatch patch = JsonMergePatch.of("{\"a\":{\"b\":null,\"c\":{\"d\":1}}}", LIMIT_BYTES);
        Optional<Bytes> target = Optional.of(Bytes.utf8("{\"a\":{\"b\":2,\"c\":{\"e\":3}}}"));
        JsonNode first = MAPPER.readTree(((JsonMergePatch.Result.Patched) patch.applyTo(target)).json().toByteArray());
        JsonNode second = MAPPER.readTree(((JsonMergePatch.Result.Patched) patch.applyTo(target)).json().toByteArray());
        assertEquals(MAPPER.readTree("{\"a\":{\"c\":{\"e\":3,\"d\":1}}}"), first);
        assertEquals(first, second);
        assertEquals("{\"a\":{\"b\":2,\"c\":{\"e\":3}}}", target.get().utf8String());
    }

    @Test
    void aResultOverTheValueLimitIsTooLarge() {
        JsonMergePatch patch = JsonMergePatch.of("{\"b\":\"" + "x".repeat(20) + "\"}", 30);
        JsonMergePatch.Result.TooLarge tooLarge = assertInstanceOf(JsonMergePatch.Result.TooLarge.class,
                patch.applyTo(Optional.of(Bytes.utf8("{\"a\":\"" + "y".repeat(20) + "\"}"))));
        assertEquals(30, tooLarge.limitBytes());
        assertEquals(("{\"a\":\"" + "y".repeat(20) + "\",\"b\":\"" + "x".repeat(20) + "\"}").length(), tooLarge.bytes());
        assertInstanceOf(JsonMergePatch.Result.Patched.class, patch.applyTo(Optional.empty()));
    }

    private static JsonNode patched(Optional<String> original, String patch) throws Exception {
        JsonMergePatch.Result result = JsonMergePatch.of(patch, LIMIT_BYTES).applyTo(original.map(Bytes::utf8));
        return MAPPER.readTree(assertInstanceOf(JsonMergePatch.Result.Patched.class, result).json().toByteArray());
    }
}
