package io.kvorum.bench.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * An HTTP answer: its status and body. One answer is asked for its context by the context cache and
 * again by a read-modify-write's write, and for its values by the correctness checker; the context
 * is therefore found at most once, and the body parsed as JSON at most once, however often they ask.
 * Not thread-safe: used on the event loop that received it.
 */
public final class Reply {

    private final int status;
    private final Buffer body;
    private Optional<String> context; // null until first asked; empty when the answer has none
    private JsonObject json;          // null until first parsed

    /** The answer with HTTP {@code status} and {@code body}. */
    public Reply(int status, Buffer body) {
        this.status = status;
        this.body = body;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The top-level {@code context} of a Kvorum answer, or null. */
    public String context() {
        if (context == null) {
            context = Optional.ofNullable(findContext());
        }
        return context.orElse(null);
    }

    /** The {@code values} of a 200 GET answer (each a Vert.x JSON value), or an empty list. */
    public List<Object> values() {
        JsonArray values = json().getJsonArray("values");
        return values == null ? List.of() : values.stream().toList(); // its iterator wraps objects as JsonObject
    }

    /**
     * Kvorum writes the context as the last member, so a scan from the end finds it without parsing
     * the values; any other layout is parsed in full.
     */
    private String findContext() {
        String text = body.toString();
        int name = text.lastIndexOf("\"context\"");
        if (name < 0) {
            return null;
        }
        int i = skipSpace(text, name + "\"context\"".length());
        if (i < text.length() && text.charAt(i) == ':') {
            i = skipSpace(text, i + 1);
            if (i < text.length() && text.charAt(i) == '"') {
                int end = text.indexOf('"', i + 1);
                if (end > 0 && text.substring(skipSpace(text, end + 1)).equals("}")) {
                    return text.substring(i + 1, end);
                }
            }
        }
        return parsedContext();
    }

    private String parsedContext() {
        try {
            return json().getString("context");
        } catch (RuntimeException e) {
            return null; // not JSON, or context not a string: treat as "no context"
        }
    }

    /** The body parsed once; throws (and keeps nothing) when it is not a JSON object. */
    private JsonObject json() {
        if (json == null) {
            json = new JsonObject(body);
        }
        return json;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
