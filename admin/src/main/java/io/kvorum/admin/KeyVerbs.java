package io.kvorum.admin;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/** {@code get}, {@code put} and {@code delete} of one key, through the public {@code /kv/{key}} API. */
final class KeyVerbs {
    private final NodeClient client;
    private final Options options;
    private final PrintStream out;

    KeyVerbs(NodeClient client, Options options, PrintStream out) {
        this.client = client;
        this.options = options;
        this.out = out;
    }

    /** Siblings, the context and the context decoded; a missing key is not an error (exit 0). */
    int get(String key) throws NodeClient.UnreachableException, Verbs.Failure, Options.UsageException {
        if (options.w().isPresent() || options.context().isPresent()) {
            throw new Options.UsageException("get takes --r, not --w or --context");
        }
        NodeClient.Answer answer = client.get(path(key) + options.r().map(r -> "?r=" + Verbs.query(r)).orElse(""));
        boolean found = answer.status() == 200;
        if (!found && !"not_found".equals(answer.body().get("error").text(""))) {
            Verbs.require(answer, "GET /kv/{key}");
        }
        Json context = answer.body().get("context");
        Json decoded = context.isNull() ? Json.NULL : decode(context.text(""));
        if (options.json()) {
            SequencedMap<String, Json> fields = new LinkedHashMap<>();
            fields.put("key", Json.string(key));
            fields.put("found", new Json.Bool(found));
            fields.put("values", new Json.Arr(found ? answer.body().get("values").items() : List.of()));
            fields.put("context", context);
            fields.put("decoded_context", decoded);
            out.println(Json.object(fields).writePretty());
            return AdminMain.OK;
        }
        printRead(key, found, answer.body(), decoded);
        return AdminMain.OK;
    }

    int put(String key, String valueJson) throws NodeClient.UnreachableException, Verbs.Failure, Options.UsageException {
        if (options.r().isPresent()) {
            throw new Options.UsageException("put takes --w and --context, not --r");
        }
        try {
            Json.parse(valueJson);
        } catch (Json.MalformedException e) {
            throw new Options.UsageException("the value must be JSON (" + e.getMessage() + "); quote a string like '\"text\"'");
        }
        StringBuilder body = new StringBuilder("{\"value\":").append(valueJson.strip());
        options.context().ifPresent(c -> Json.Writer.quote(c, body.append(",\"context\":")));
        return write("PUT", key, body.append('}').toString());
    }

    int delete(String key) throws NodeClient.UnreachableException, Verbs.Failure, Options.UsageException {
        if (options.r().isPresent()) {
            throw new Options.UsageException("delete takes --w and --context, not --r");
        }
        String body = options.context().map(c -> {
            StringBuilder text = new StringBuilder("{\"context\":");
            Json.Writer.quote(c, text);
            return text.append('}').toString();
        }).orElse(null);
        return write("DELETE", key, body);
    }

    private int write(String method, String key, String body) throws NodeClient.UnreachableException, Verbs.Failure {
        NodeClient.Answer answer = client.send(method, path(key) + options.w().map(w -> "?w=" + Verbs.query(w)).orElse(""), body);
        Json written = Verbs.require(answer, method + " /kv/{key}");
        if (options.json()) {
            out.println(written.writePretty());
            return AdminMain.OK;
        }
        List<String> replicas = new ArrayList<>();
        for (Json receipt : written.get("replicas").items()) {
            String node = receipt.get("node").text("?");
            replicas.add(receipt.get("for").isNull() ? node : node + " (for " + receipt.get("for").text("?") + ")");
        }
        out.println((method.equals("PUT") ? "stored " : "deleted ") + key + " on " + String.join(", ", replicas));
        out.println("context: " + written.get("context").text("-"));
        return AdminMain.OK;
    }

    private void printRead(String key, boolean found, Json body, Json decoded) {
        if (!found) {
            out.println(key + ": not found" + (body.get("context").isNull() ? "" : " (deleted: tombstones seen)"));
        } else {
            List<Json> values = body.get("values").items();
            out.println(key + ": " + values.size() + (values.size() == 1 ? " value" : " siblings"));
            for (int i = 0; i < values.size(); i++) {
                out.println("  [" + (i + 1) + "] " + values.get(i).write());
            }
        }
        if (body.get("context").isNull()) {
            return;
        }
        out.println("context: " + body.get("context").text("-"));
        if (decoded.isNull()) {
            out.println("  (the node could not decode it)");
            return;
        }
        Table table = new Table("ACTOR", "EPOCH", "COUNTER", "LAST WRITE");
        for (Json version : decoded.get("versions").items()) {
            long wall = (long) version.get("wall_ms").number(0);
            table.row(version.get("node").text("?"), version.get("epoch").text("?"), version.get("counter").text("?"),
                    wall > 0 ? Instant.ofEpochMilli(wall).toString() : "-");
        }
        for (Json dot : decoded.get("dots").items()) {
            table.row(dot.get("node").text("?"), dot.get("epoch").text("?"), "+" + dot.get("counter").text("?") + " (single dot)", "-");
        }
        out.print(table.render().indent(2));
    }

    /** The node's decoding of a context, or null when it cannot decode it (an older node, say). */
    private Json decode(String context) throws NodeClient.UnreachableException {
        NodeClient.Answer answer = client.get("/context/" + segment(context));
        return answer.status() == 200 ? answer.body() : Json.NULL;
    }

    static String path(String key) {
        return "/kv/" + segment(key);
    }

    /** One URL path segment: every byte but unreserved characters and ':' percent-encoded (dots too). */
    static String segment(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '~' || c == ':';
            if (plain) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
