package io.kvorum.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code cluster.seeds} list: comma-separated {@code id@host:port} entries (a file may give a list); may be empty. */
final class SeedListType implements ValueType<List<SeedAddress>> {
    @Override
    public List<SeedAddress> parse(String text) {
        if (text.isBlank()) {
            return List.of();
        }
        String[] entries = text.split(",", -1);
        List<SeedAddress> seeds = new ArrayList<>(entries.length);
        for (int i = 0; i < entries.length; i++) {
            seeds.add(parseEntry(i + 1, entries[i]));
        }
        return List.copyOf(seeds);
    }

    @Override
    public List<SeedAddress> parse(JsonNode node) {
        if (node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            return parse(node.asText());
        }
        List<SeedAddress> seeds = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            if (!entry.isValueNode()) {
                throw new ValueProblem("seed " + (i + 1) + " is not an entry id@host:port");
            }
            seeds.add(parseEntry(i + 1, entry.asText()));
        }
        return List.copyOf(seeds);
    }

    private static SeedAddress parseEntry(int position, String entry) {
        if (entry.isBlank()) {
            throw new ValueProblem("seed " + position + " is empty");
        }
        try {
            return SeedAddress.parse(entry);
        } catch (ConfigException e) {
            throw new ValueProblem("seed " + position + ": " + e.getMessage());
        }
    }

    @Override
    public String allowed() {
        return "id@internodeHost:port,... or empty";
    }

    @Override
    public String format(List<SeedAddress> seeds) {
        return seeds.stream().map(SeedAddress::toString).collect(Collectors.joining(","));
    }
}
