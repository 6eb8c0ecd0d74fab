package io.kvorum.http;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvorum.common.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON Merge Patch (RFC 7396), parsed once and applied to a stored value's JSON text.
 *
 * <p>RFC 7396 §2: a patch that is an object merges into the target member by member, {@code null}
 * removing a member and any other value replacing (objects merging recursively); a target that is
 * not an object is treated as {@code {}}; a patch that is not an object replaces the target whole.
 * Numbers keep their exact text (a {@code 1.50} in the patch or the target stays {@code 1.50}). A
 * target with a member named twice keeps its last one, as most JSON parsers do. Immutable.
 */
public final class JsonMergePatch {
    /** What applying the patch gave. */
    public sealed interface Result {
        /** The patched value's JSON text (compact). */
        record Patched(Bytes json) implements Result {}

        /** The patched value would be {@code bytes} long, more than {@code limitBytes}. */
        record TooLarge(long bytes, long limitBytes) implements Result {}
    }

    /** Exact numbers (BigDecimal for every non-integer), and the request parser's depth limit. */
    private static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactoryBuilder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(1000)
                            .maxNumberLength(Integer.MAX_VALUE)
                            .maxNameLength(Integer.MAX_VALUE)
                            .maxStringLength(Integer.MAX_VALUE)
                            .build())
                    .build())
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private final JsonNode patch;
    private final int valueBytesMax;

    private JsonMergePatch(JsonNode patch, int valueBytesMax) {
        this.patch = patch;
        this.valueBytesMax = valueBytesMax;
    }

    /**
     * The patch whose JSON text is {@code patchJson} (already checked to be strict JSON by the body
     * parser), producing values of at most {@code valueBytesMax} bytes.
     */
    static JsonMergePatch parse(Bytes patchJson, int valueBytesMax) {
        return new JsonMergePatch(read(patchJson), valueBytesMax);
    }

    /** The patch of RFC 7396 given as JSON text, for tests and other callers that hold one. */
    public static JsonMergePatch of(String patchJson, int valueBytesMax) {
        return parse(Bytes.utf8(patchJson), valueBytesMax);
    }

    /** The patch applied to {@code targetJson} (a stored value's JSON text; empty: none, patched as {@code {}}). */
    public Result applyTo(Optional<Bytes> targetJson) {
        JsonNode target = targetJson.map(JsonMergePatch::read).orElse(null);
        JsonNode merged = merge(target, patch);
        byte[] text;
        try {
            text = MAPPER.writeValueAsBytes(merged);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendering a JSON tree failed", e);
        }
        if (text.length > valueBytesMax) {
            return new Result.TooLarge(text.length, valueBytesMax);
        }
        return new Result.Patched(Bytes.wrapOwned(text));
    }

    /** RFC 7396 §2's MergePatch(Target, Patch); {@code target} may be null (absent). Mutates only copies. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), merge(result.get(member.getKey()), member.getValue()));
            }
        }
        return result;
    }

    private static JsonNode read(Bytes json) {
        try {
            return MAPPER.readTree(json.toByteArray());
        } catch (JsonProcessingException e) {
            // Stored values and patches were both checked by the request parser with the same limits.
            throw new IllegalStateException("a stored value or a checked patch is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
    }
}
