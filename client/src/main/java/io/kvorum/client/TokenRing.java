package io.kvorum.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ring as {@code GET /cluster/ring?tokens=true} describes it, and the preference lists that
 * follow, computed exactly as the node's {@code Ring.preferenceList} does: a key's token is Murmur3
 * of its UTF-8 bytes, it belongs to the first vnode token {@code >=} it (wrapping), and its replicas
 * are the first {@code n} distinct physical nodes walking clockwise from there. Immutable.
 */
final class TokenRing {
    /** The only partitioner the nodes have; a ring naming another is not used for routing. */
    static final String MURMUR3 = "murmur3";

    private final int n;
    private final String[] nodes;
    private final long[] tokens;
    private final int[] owners;

    private TokenRing(int n, String[] nodes, long[] tokens, int[] owners) {
        this.n = n;
        this.nodes = nodes;
        this.tokens = tokens;
        this.owners = owners;
    }

    /** The ring of these nodes' tokens; throws {@link IllegalArgumentException} when a token is owned twice. */
    static TokenRing of(Map<String, List<Long>> tokensByNode, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        TreeMap<Long, String> byToken = new TreeMap<>();
        TreeMap<String, List<Long>> sorted = new TreeMap<>(tokensByNode);
        sorted.forEach((node, nodeTokens) -> nodeTokens.forEach(token -> {
            String previous = byToken.put(token, node);
            if (previous != null) {
                throw new IllegalArgumentException("token " + token + " is owned by both " + previous + " and " + node);
            }
        }));
        String[] nodes = sorted.keySet().toArray(String[]::new);
        long[] tokens = new long[byToken.size()];
        int[] owners = new int[byToken.size()];
        int i = 0;
        for (Map.Entry<Long, String> entry : byToken.entrySet()) {
            tokens[i] = entry.getKey();
            owners[i] = Arrays.binarySearch(nodes, entry.getValue());
            i++;
        }
        return new TokenRing(n, nodes, tokens, owners);
    }

    /** The replication factor the nodes reported. */
    int n() {
        return n;
    }

    int tokenCount() {
        return tokens.length;
    }

    boolean isEmpty() {
        return tokens.length == 0;
    }

    /** The physical nodes, sorted. */
    List<String> nodes() {
        return List.of(nodes);
    }

    /** The token of {@code key}, as the node's partitioner computes it. */
    static long token(String key) {
        return Murmur3.token(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The key's first {@code n} distinct physical nodes in ring order (fewer when the ring has fewer nodes). */
    List<String> preferenceList(String key) {
        int wanted = Math.min(n, nodes.length);
        List<String> chosen = new ArrayList<>(wanted);
        boolean[] seen = new boolean[nodes.length];
        int position = ownerPosition(token(key));
        for (int step = 0; chosen.size() < wanted && step < tokens.length; step++) {
            int owner = owners[(position + step) % tokens.length];
            if (!seen[owner]) {
                seen[owner] = true;
                chosen.add(nodes[owner]);
            }
        }
        return chosen;
    }

    private int ownerPosition(long token) {
        int position = Arrays.binarySearch(tokens, token);
        if (position < 0) {
            position = -position - 1;
        }
        return position == tokens.length ? 0 : position;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenRing other && n == other.n && Arrays.equals(nodes, other.nodes)
                && Arrays.equals(tokens, other.tokens) && Arrays.equals(owners, other.owners);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(nodes);
    }

    @Override
    public String toString() {
        return "TokenRing[nodes=" + nodes.length + ", tokens=" + tokens.length + ", n=" + n + "]";
    }
}
