package io.kvorum.ring;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects nodes and their vnode tokens and builds an immutable {@link Ring}; checks that every node
 * has exactly {@code vnodesPerNode} tokens and that no token is used twice.
 *
 * <p>A builder is a short-lived local: not thread-safe, and reusable after {@link #build()}.
 */
public final class RingBuilder {
    private final int vnodesPerNode;
    /** Each node's tokens, sorted ascending. */
    private final TreeMap<NodeId, long[]> tokensByNode = new TreeMap<>();

    public RingBuilder(int vnodesPerNode) {
        Invariants.require(vnodesPerNode >= 1, "ring.vnodes-per-node must be >= 1, got %d", vnodesPerNode);
        this.vnodesPerNode = vnodesPerNode;
    }

    /** A builder that starts with the nodes and tokens of {@code ring}. */
    public static RingBuilder from(Ring ring) {
        RingBuilder builder = new RingBuilder(ring.vnodesPerNode());
        NodeId[] nodes = ring.nodeArray();
        long[] tokens = ring.tokenArray();
        int[] owners = ring.ownerArray();
        long[][] byNode = new long[nodes.length][ring.vnodesPerNode()];
        int[] filled = new int[nodes.length];
        for (int i = 0; i < tokens.length; i++) {
            byNode[owners[i]][filled[owners[i]]++] = tokens[i]; // ascending, since the ring's tokens are
        }
        for (int n = 0; n < nodes.length; n++) {
            builder.tokensByNode.put(nodes[n], byNode[n]);
        }
        return builder;
    }

    /**
     * Adds {@code node} with its {@code tokens} (any order); the node must be new. That no other node
     * uses the same tokens is checked by {@link #build()}.
     */
    public RingBuilder addNode(NodeId node, List<Long> tokens) {
        Invariants.require(node != null, "node must not be null");
        Invariants.require(tokens != null, "tokens of %s must not be null", node);
        Invariants.require(!tokensByNode.containsKey(node), "node %s is already in the ring", node);
        Invariants.require(tokens.size() == vnodesPerNode,
                "node %s must have exactly %d tokens (vnodes per node), got %d", node, vnodesPerNode, tokens.size());
        long[] sorted = new long[tokens.size()];
        for (int i = 0; i < sorted.length; i++) {
            Long token = tokens.get(i);
            Invariants.require(token != null, "tokens of %s must not contain null", node);
            sorted[i] = token;
        }
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            Invariants.require(sorted[i - 1] != sorted[i], "node %s lists token %d twice", node, sorted[i]);
        }
        tokensByNode.put(node, sorted);
        return this;
    }

    /** Removes {@code node} and its tokens; it must be present. */
    public RingBuilder removeNode(NodeId node) {
        Invariants.require(tokensByNode.remove(node) != null, "node %s is not in the ring", node);
        return this;
    }

    /** The ring of the nodes added so far; throws {@link IllegalArgumentException} if two nodes share a token. */
    public Ring build() {
        NodeId[] nodes = tokensByNode.keySet().toArray(new NodeId[0]);
        long[] tokens = new long[nodes.length * vnodesPerNode];
        int filled = 0;
        for (long[] nodeTokens : tokensByNode.values()) {
            System.arraycopy(nodeTokens, 0, tokens, filled, nodeTokens.length);
            filled += nodeTokens.length;
        }
        Arrays.sort(tokens);
        for (int i = 1; i < tokens.length; i++) {
            if (tokens[i - 1] == tokens[i]) {
                throw new IllegalArgumentException("token " + tokens[i] + " is owned by more than one node: "
                        + ownersOf(tokens[i]));
            }
        }
        int[] owners = new int[tokens.length];
        for (int n = 0; n < nodes.length; n++) {
            for (long token : tokensByNode.get(nodes[n])) {
                owners[Arrays.binarySearch(tokens, token)] = n;
            }
        }
        return new Ring(vnodesPerNode, nodes, tokens, owners);
    }

    private List<NodeId> ownersOf(long token) {
        return tokensByNode.entrySet().stream()
                .filter(entry -> Arrays.binarySearch(entry.getValue(), token) >= 0)
                .map(Map.Entry::getKey)
                .toList();
    }
}
