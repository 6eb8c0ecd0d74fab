package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestBodiesTest {
    private static final int VALUE_BYTES_MAX = 64;
    private final RequestBodies bodies = new RequestBodies(VALUE_BYTES_MAX + 1024, VALUE_BYTES_MAX);

    @ParameterizedTest
    @ValueSource(strings = {
        "1.50", "-0", "1e5", "1E+05", "0.000", "12345678901234567890123456789012345678901234567890",
        "true", "false", "null", "\"\"", "\"a\\\"b\\\\c\\u00e9\\n\"", "\"café ☕ 😀\"",
        "{\"a\" : [1, 2]}", "[ ]", "{}", "[1,[2,[3,{\"x\":null}]]]", "{ \"nested\" : { \"deep\" : [ true , false ] } }",
    })
    void keepsTheValueTextExactly(String valueText) {
        assertEquals(valueText, putValue("{\"value\":" + valueText + "}"));
        assertEquals(valueText, putValue("{ \"value\" :\n\t" + valueText + " \r\n}"));
        assertEquals(valueText, putValue("{\"x\": [1, {\"value\": 2}], \"value\": " + valueText + ", \"context\": \"c1\"}"));
    }

    @Test
    void readsTheContextAndTreatsNullAsAbsent() {
        RequestBodies.PutBody withContext = valid(bodies.put(utf8("{\"context\": \"abc-_\", \"value\": 7}")));
        assertEquals(Optional.of("abc-_"), withContext.context());
        RequestBodies.PutBody nullContext = valid(bodies.put(utf8("{\"value\": 7, \"context\": null}")));
        assertEquals(Optional.empty(), nullContext.context());
        assertEquals(Optional.empty(), valid(bodies.put(utf8("{\"value\": 7}"))).context());
    }

    @Test
    void skipsALeadingByteOrderMarkWithoutShiftingTheValue() {
        byte[] body = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("{\"value\": [1, 2]}"));
        assertEquals("[1, 2]", valid(bodies.put(body)).valueJson().utf8String());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "nope", "[]", "1", "\"value\"", "null", "{", "{\"value\": 1", "{\"value\": }", "{\"value\" 1}",
        "{\"value\": 1} x", "{\"value\": 1}{}", "{\"value\": 1}}", "{\"value\": 1, \"value\": 2}",
        "{\"value\": 1, \"context\": \"a\", \"context\": \"b\"}", "{\"context\": \"c\"}", "{}",
        "{\"value\": 1, \"context\": 5}", "{\"value\": 1, \"context\": {\"c\": 1}}", "{\"value\": 1, \"context\": [\"c\"]}",
        "{\"value\": \"\\x\"}", "{\"value\": 01}", "{\"value\": 1.}", "{\"value\": NaN}", "{\"value\": 'single'}",
        "{\"value\": 1, /* comment */ \"context\": \"c\"}", "{value: 1}", "{\"value\": [1, 2,]}",
        "{\"value\": 1, \"other\": \"\\q\"}", "{\"value\": 1, \"other\": [}",
    })
    void rejectsBodiesThatAreNotAnObjectWithOneValue(String body) {
        assertEquals(ErrorCode.INVALID_JSON, error(bodies.put(utf8(body))).code(), body);
    }

    @Test
    void rejectsInvalidUtf8EvenInsideStrings() {
        byte[] overlong = concat(utf8("{\"value\": \""), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("\"}"));
        byte[] surrogate = concat(utf8("{\"value\": \""), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}"));
        byte[] stray = concat(utf8("{\"value\": \""), new byte[] {(byte) 0xFF}, utf8("\"}"));
        for (byte[] body : new byte[][] {overlong, surrogate, stray}) {
            assertEquals(ErrorCode.INVALID_JSON, error(bodies.put(body)).code());
        }
    }

    @Test
    void acceptsAValueOfExactlyTheLimitAndRejectsOneByteMore() {
        String atLimit = "\"" + "a".repeat(VALUE_BYTES_MAX - 2) + "\"";
        assertEquals(atLimit, putValue("{\"value\": " + atLimit + "}"));
        ApiError tooLarge = error(bodies.put(utf8("{\"value\": \"" + "a".repeat(VALUE_BYTES_MAX - 1) + "\"}")));
        assertEquals(ErrorCode.VALUE_TOO_LARGE, tooLarge.code());
        assertEquals(VALUE_BYTES_MAX, tooLarge.extra().get("limit"));
    }

    @Test
    void limitsNestingDepthWithoutRecursion() {
        RequestBodies roomy = new RequestBodies(1 << 20, 1 << 20);
        String deep = "[".repeat(900) + "]".repeat(900);
        assertEquals(deep, valid(roomy.put(utf8("{\"value\": " + deep + "}"))).valueJson().utf8String());
        String tooDeep = "[".repeat(5000) + "]".repeat(5000);
        assertEquals(ErrorCode.INVALID_JSON, error(roomy.put(utf8("{\"value\": " + tooDeep + "}"))).code());
    }

    @Test
    void deleteBodiesAreOptional() {
        assertEquals(Optional.empty(), valid(bodies.delete(new byte[0])).context());
        assertEquals(Optional.empty(), valid(bodies.delete(utf8(" \r\n"))).context());
        assertEquals(Optional.empty(), valid(bodies.delete(utf8("{}"))).context());
        assertEquals(Optional.of("c9"), valid(bodies.delete(utf8("{\"context\": \"c9\", \"value\": 1}"))).context());
        for (String bad : new String[] {"x", "[]", "{\"context\": 1}", "{\"context\": \"a\"} 1", "{\"context\": \"a\""}) {
            assertEquals(ErrorCode.INVALID_JSON, error(bodies.delete(utf8(bad))).code(), bad);
        }
    }

    @Test
    void patchBodiesCarryAMergePatchOfAnyJsonAndAnOptionalContext() {
        RequestBodies.PatchBody patch = valid(bodies.patch(utf8("{\"patch\": {\"a\": null, \"b\": 1.50}, \"context\": \"c1\"}")));
        assertEquals(Optional.of("c1"), patch.context());
        assertEquals("{\"b\":1.50}", patched(patch, "{\"a\":1}"));
        assertEquals("\"x\"", patched(valid(bodies.patch(utf8("{\"patch\": \"x\"}"))), "{\"a\":1}"));
        assertEquals("null", patched(valid(bodies.patch(utf8("{\"patch\": null, \"context\": null}"))), "[1]"));
        assertEquals(Optional.empty(), valid(bodies.patch(utf8("{\"patch\": {}}"))).context());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "  ", "[]", "\"patch\"", "{", "{}", "{\"value\": {\"a\": 1}}", "{\"patch\": }", "{\"patch\": {\"a\": }}",
        "{\"patch\": {\"a\": 1}, \"patch\": {}}", "{\"patch\": {'a': 1}}", "{\"patch\": {}, \"context\": 3}",
        "{\"patch\": {}} {}", "{\"patch\": [1,]}",
    })
    void rejectsPatchBodiesWithoutExactlyOneValidPatch(String body) {
        assertEquals(ErrorCode.INVALID_JSON, error(bodies.patch(utf8(body))).code(), body);
    }

    @Test
    void aPatchIsLimitedLikeAValueAndMayBeDeep() {
        ApiError tooLarge = error(bodies.patch(utf8("{\"patch\": \"" + "a".repeat(VALUE_BYTES_MAX - 1) + "\"}")));
        assertEquals(ErrorCode.VALUE_TOO_LARGE, tooLarge.code());
        RequestBodies roomy = new RequestBodies(1 << 20, 1 << 20);
        String deep = "{\"a\":".repeat(900) + "1" + "}".repeat(900);
        assertEquals(deep, patched(valid(roomy.patch(utf8("{\"patch\": " + deep + "}"))), "{\"b\":2}")
                .replaceFirst(",\"b\":2", "").replaceFirst("\"b\":2,", ""));
    }

    private static String patched(RequestBodies.PatchBody body, String target) {
        JsonMergePatch.Result result = body.patch().applyTo(Optional.of(io.kvorum.common.Bytes.utf8(target)));
        return ((JsonMergePatch.Result.Patched) result).json().utf8String();
    }

    private String putValue(String body) {
        return valid(bodies.put(utf8(body))).valueJson().utf8String();
    }

    private static <T> T valid(Validated<T> validated) {
        if (validated instanceof Validated.Valid<T>(T value)) {
            return value;
        }
        throw new AssertionError("expected a valid body, got " + validated);
    }

    private static ApiError error(Validated<?> validated) {
        if (validated instanceof Validated.Invalid<?>(ApiError error)) {
            return error;
        }
        throw new AssertionError("expected a rejection, got " + validated);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
