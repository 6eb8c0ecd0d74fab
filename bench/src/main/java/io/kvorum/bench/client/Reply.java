package io.kvorum.bench.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** An HTTP answer: its status and body. */
public record Reply(int status, Buffer body) {

    /**
     * The top-level {@code context} of a Kvorum answer, or null. Kvorum writes it as the last member,
     * so a scan from the end finds it without parsing the values; any other layout is parsed in full.
     */
    public String context() {
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

    /** The {@code values} of a 200 GET answer (each a Vert.x JSON value), or an empty list. */
    public List<Object> values() {
        JsonArray values = new JsonObject(body).getJsonArray("values");
        return values == null ? List.of() : values.getList().stream()
                .map(value -> value instanceof java.util.Map<?, ?> map ? new JsonObject(cast(map)) : value)
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> cast(java.util.Map<?, ?> map) {
        return (java.util.Map<String, Object>) map;
    }

    private String parsedContext() {
        try {
            return new JsonObject(body).getString("context");
        } catch (RuntimeException e) {
            return null; // not JSON, or context not a string: treat as "no context"
        }
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
