package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code cluster.members} list, in order. Flags and env write it as comma-separated
 * {@code id@internodeHost:port/httpHost:port} entries; the file may also give a list of objects
 * {@code {id, internode: "host:port", http: "host:port"}} (or a list of the textual entries).
 */
final class MemberListType implements ValueType<List<MemberAddress>> {
    private static final Set<String> FIELDS = Set.of("id", "internode", "http");

    @Override
    public List<MemberAddress> parse(String text) {
        if (text.isBlank()) {
            throw new ValueProblem("lists no members");
        }
        String[] entries = text.split(",", -1);
        List<MemberAddress> members = new ArrayList<>(entries.length);
        for (int i = 0; i < entries.length; i++) {
            members.add(parseEntry(i + 1, entries[i]));
        }
        return List.copyOf(members);
    }

    @Override
    public List<MemberAddress> parse(JsonNode node) {
        if (!node.isArray()) {
            return ValueType.super.parse(node);
        }
        if (node.isEmpty()) {
            throw new ValueProblem("lists no members");
        }
        List<MemberAddress> members = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            members.add(entry.isObject() ? parseObject(i + 1, entry) : parseEntry(i + 1, textOf(i + 1, entry)));
        }
        return List.copyOf(members);
    }

    private static MemberAddress parseEntry(int position, String entry) {
        if (entry.isBlank()) {
            throw new ValueProblem("member " + position + " is empty");
        }
        try {
            return MemberAddress.parse(entry);
        } catch (ConfigException e) {
            throw new ValueProblem("member " + position + ": " + e.getMessage());
        }
    }

    private static MemberAddress parseObject(int position, JsonNode entry) {
        for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new ValueProblem("member " + position + " has unknown field " + quote(name)
                        + " (expected id, internode, http)");
            }
        }
        String id = field(position, entry, "id");
        String internode = field(position, entry, "internode");
        String http = field(position, entry, "http");
        try {
            return new MemberAddress(MemberAddress.parseId(id), HostPort.parse(internode), HostPort.parse(http));
        } catch (ConfigException e) {
            throw new ValueProblem("member " + position + ": " + e.getMessage());
        }
    }

    private static String field(int position, JsonNode entry, String name) {
        JsonNode value = entry.get(name);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            throw new ValueProblem("member " + position + " has no " + name + " field (expected id, internode, http)");
        }
        if (!value.isValueNode()) {
            throw new ValueProblem("member " + position + " field " + name + " is not a single value");
        }
        return value.asText();
    }

    private static String textOf(int position, JsonNode value) {
        if (!value.isValueNode()) {
            throw new ValueProblem("member " + position + " is neither an entry id@host:port/host:port nor {id, internode, http}");
        }
        return value.asText();
    }

    @Override
    public String allowed() {
        return "id@internodeHost:port/httpHost:port,... (unique ids, including node.id)";
    }

    @Override
    public String format(List<MemberAddress> members) {
        return members.stream().map(MemberAddress::toString).collect(Collectors.joining(","));
    }
}
