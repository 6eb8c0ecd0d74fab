package io.kvorum.bench.client;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An answer as the harness counts it: the HTTP status the operation ended with (200, 404, 503, or
 * another error status), the context it carried, and a read's values as their exact JSON text.
 *
 * @param status  200 for a success; the node's error status otherwise
 * @param context the answer's context, or null
 * @param values  a 200 read's siblings (JSON text); empty otherwise
 */
public record Reply(int status, String context, List<String> values) {

    /** Copies the values. */
    public Reply {
        values = List.copyOf(values);
    }

    /** Each value parsed as a JSON object (for the correctness checker), or null for one that is not an object. */
    public List<Object> parsedValues() {
        return values.stream().map(json -> {
            try {
                return (Object) new JsonObject(json);
            } catch (RuntimeException e) {
                return null;
            }
        }).toList();
    }
}
