package io.kvorum.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * One raw, not yet parsed value and where it came from ({@code file /etc/kvorum.yaml},
 * {@code env KVORUM_HTTP_PORT}, {@code flag --http.port}); env and flag values are text nodes.
 */
record Setting(JsonNode value, String origin) {
    static final String DEFAULT_ORIGIN = "default";

    static Setting text(String value, String origin) {
        return new Setting(TextNode.valueOf(value), origin);
    }
}
