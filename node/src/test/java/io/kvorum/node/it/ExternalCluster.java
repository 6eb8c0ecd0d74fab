package io.kvorum.node.it;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A cluster started outside this JVM (by {@code scripts/kvorum up}, say), known only by its nodes'
 * base URLs. {@code -Dkvorum.it.endpoints=http://127.0.0.1:8081,http://127.0.0.1:8082,...} points
 * {@link ApiConformanceIT} at one. Closing it leaves the nodes running: whoever started them stops them.
 */
final class ExternalCluster implements Cluster {
    static final String ENDPOINTS_PROPERTY = "kvorum.it.endpoints";

    private final List<URI> bases;

    ExternalCluster(List<URI> bases) {
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("no endpoints");
        }
        this.bases = List.copyOf(bases);
    }

    /** The cluster {@code -Dkvorum.it.endpoints} names, if it is set. */
    static Optional<ExternalCluster> fromSystemProperty() {
        String endpoints = System.getProperty(ENDPOINTS_PROPERTY, "").strip();
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ExternalCluster(Arrays.stream(endpoints.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s))
                .toList()));
    }

    @Override
    public int size() {
        return bases.size();
    }

    @Override
    public URI base(int i) {
        return bases.get(i);
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
