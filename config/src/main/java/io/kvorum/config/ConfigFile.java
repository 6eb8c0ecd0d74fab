package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) config file into settings keyed
 * by dotted name: nested maps flatten ({@code quorum: {n: 3}} is {@code quorum.n}), lists stay values.
 *
 * <p>Every scalar is kept as the text written in the file, not as the type YAML 1.1 would give it:
 * {@code id: no} is the id {@code no}, not {@code false}, and {@code port: 010} is rejected rather than
 * read as octal 8. JSON gets its own parser because JSON indented with tabs is not valid YAML.
 */
final class ConfigFile {
    /** A settings file is a few hundred bytes; anything near this bound is the wrong file. */
    static final long FILE_BYTES_MAX = Units.MIB;

    private ConfigFile() {}

    /** The file's settings; {@code chosenBy} says where the path came from, for error messages. */
    static Map<String, Setting> read(Path path, String chosenBy) {
        String label = "config file " + path + " (from " + chosenBy + ")";
        JsonFactory factory = factoryFor(path, label);
        JsonNode root = parse(factory, readBytes(path, label), label);
        if (root.isMissingNode() || isEmpty(root)) {
            return Map.of(); // an empty file, or one of comments only, sets nothing
        }
        if (!root.isObject()) {
            throw new ConfigException(label + ": expected a map of settings at the top level");
        }
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        flatten("", root, flat, label);
        String origin = "file " + path;
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : flat.entrySet()) {
            requireKnown(entry.getKey(), label);
            settings.put(entry.getKey(), new Setting(entry.getValue(), origin));
        }
        return settings;
    }

    private static JsonFactory factoryFor(Path path, String label) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        }
        throw new ConfigException(label + ": unknown format; the name must end in .yaml, .yml or .json");
    }

    private static byte[] readBytes(Path path, String label) {
        try {
            long size = Files.size(path);
            if (size > FILE_BYTES_MAX) {
                throw new ConfigException(label + ": " + size + " bytes is larger than the "
                        + Units.formatBytes(FILE_BYTES_MAX) + " a config file may have");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ConfigException(label + ": cannot read: no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(label + ": cannot read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(label + ": cannot read: " + summary(e.getMessage()));
        }
    }

    private static JsonNode parse(JsonFactory factory, byte[] bytes, String label) {
        try (JsonParser parser = factory.createParser(bytes)) {
            if (parser.nextToken() == null) {
                return JsonNodeFactory.instance.missingNode();
            }
            JsonNode root = readValue(parser);
            if (parser.nextToken() != null) {
                throw new ConfigException(label + ": cannot parse" + at(parser.currentLocation())
                        + ": unexpected content after the settings (one document only)");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(label + ": cannot parse" + at(e.getLocation()) + ": " + summary(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(label + ": cannot read: " + summary(e.getMessage()));
        }
    }

    /** Builds a tree from the parser's current token on, keeping every scalar as its text. */
    private static JsonNode readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                object.set(name, readValue(parser));
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(readValue(parser));
            }
            return array;
        }
        return token == JsonToken.VALUE_NULL ? NullNode.getInstance() : TextNode.valueOf(parser.getText());
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out, String label) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && !value.isEmpty()) {
                flatten(key + ".", value, out, label);
            } else if (isEmpty(value) && isSection(key)) {
                continue; // a section whose entries are all commented out sets nothing
            } else if (out.putIfAbsent(key, value) != null) {
                throw new ConfigException(List.of(key), key + ": set twice in " + label);
            }
        }
    }

    private static boolean isEmpty(JsonNode value) {
        return value.isNull() || (value.isTextual() && value.asText().isBlank()) || (value.isObject() && value.isEmpty());
    }

    private static boolean isSection(String key) {
        return ConfigKeys.all().stream().anyMatch(known -> known.name().startsWith(key + "."));
    }

    /** An unknown key is almost always a typo, and silently ignoring it would run with the default. */
    private static void requireKnown(String key, String label) {
        if (ConfigKeys.byName(key).isPresent()) {
            return;
        }
        String suggestion = ConfigKeys.closest(key).map(known -> "; did you mean " + known.name() + "?").orElse("");
        throw new ConfigException("unknown key " + quote(key) + " in " + label + suggestion);
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * A parser's message on one line. SnakeYAML's messages interleave the problem with indented
     * "in 'reader', line..." marks and source excerpts; keep only the problem lines.
     */
    private static String summary(String message) {
        if (message == null || message.isBlank()) {
            return "unknown problem";
        }
        String summary = message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .map(String::strip)
                .collect(Collectors.joining("; "));
        if (summary.isEmpty()) {
            summary = message.strip().lines().findFirst().orElse("unknown problem");
        }
        return summary.length() > 300 ? summary.substring(0, 300) + "..." : summary;
    }
}
