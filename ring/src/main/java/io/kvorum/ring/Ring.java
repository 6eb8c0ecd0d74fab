package io.kvorum.ring;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of the token ring: which physical node owns each virtual-node token, and the
 * preference lists that follow from it (Dynamo §4.2-4.3).
 *
 * <p>Ownership follows Dynamo and Cassandra: the vnode with token {@code t} owns {@code (previous
 * token, t]}, so a key with token {@code k} belongs to the first vnode token {@code >= k}, wrapping
 * from the largest token to the smallest. Every node has exactly {@link #vnodesPerNode()} tokens and
 * no token appears twice.
 *
 * <p>Build one with {@link #fromTokens}, {@link #allocate}, {@link RingBuilder} or the {@code with...}
 * methods; a membership change makes a new ring. Instances are safe to share between threads.
 */
public final class Ring {
    private final int vnodesPerNode;
    /** The nodes, sorted; a node's index here is its id in {@link #owners}. */
    private final NodeId[] nodes;
    /** Every vnode token, ascending (signed order). */
    private final long[] tokens;
    /** {@code owners[i]} is the index in {@link #nodes} of the node that owns {@code tokens[i]}. */
    private final int[] owners;

    /** Takes ownership of the arrays, which {@link RingBuilder} has validated. */
    Ring(int vnodesPerNode, NodeId[] nodes, long[] tokens, int[] owners) {
        Invariants.check(tokens.length == (long) nodes.length * vnodesPerNode,
                "ring has %d tokens for %d nodes x %d vnodes", tokens.length, nodes.length, vnodesPerNode);
        for (int i = 1; i < tokens.length; i++) {
            Invariants.check(tokens[i - 1] < tokens[i], "ring tokens must be strictly ascending at index %d", i);
        }
        this.vnodesPerNode = vnodesPerNode;
        this.nodes = nodes;
        this.tokens = tokens;
        this.owners = owners;
    }

    /** A ring with no nodes, whose nodes will each own {@code vnodesPerNode} tokens. */
    public static Ring empty(int vnodesPerNode) {
        return new RingBuilder(vnodesPerNode).build();
    }

    /** The ring with exactly these tokens; the map may be of any kind, it is copied into sorted arrays. */
    public static Ring fromTokens(Map<NodeId, List<Long>> tokensByNode, int vnodesPerNode) {
        RingBuilder builder = new RingBuilder(vnodesPerNode);
        for (NodeId node : new TreeMap<>(tokensByNode).keySet()) {
            builder.addNode(node, tokensByNode.get(node));
        }
        return builder.build();
    }

    /**
     * The ring made by letting the nodes join one by one in {@code joinOrder}, each taking the tokens
     * that {@code allocator} picks given the ring so far. Equal inputs give an equal ring.
     */
    public static Ring allocate(List<NodeId> joinOrder, int vnodesPerNode, TokenAllocator allocator) {
        Ring ring = empty(vnodesPerNode);
        for (NodeId node : joinOrder) {
            ring = ring.withNode(node, allocator.allocate(ring, node, vnodesPerNode));
        }
        return ring;
    }

    /** {@link #allocate(List, int, TokenAllocator)} with the default allocator over {@code partitioner}. */
    public static Ring allocate(List<NodeId> joinOrder, int vnodesPerNode, Partitioner partitioner) {
        return allocate(joinOrder, vnodesPerNode, new TokenAllocator(partitioner));
    }

    /** {@link #allocate(List, int, TokenAllocator)} with the default allocator over Murmur3. */
    public static Ring allocate(List<NodeId> joinOrder, int vnodesPerNode) {
        return allocate(joinOrder, vnodesPerNode, Murmur3Partitioner.INSTANCE);
    }

    /** This ring plus {@code node} owning {@code nodeTokens}; the node must be new and its tokens unused. */
    public Ring withNode(NodeId node, List<Long> nodeTokens) {
        return RingBuilder.from(this).addNode(node, nodeTokens).build();
    }

    /** This ring without {@code node}, whose ranges fall to the next vnode clockwise. */
    public Ring withoutNode(NodeId node) {
        return RingBuilder.from(this).removeNode(node).build();
    }

    public int vnodesPerNode() {
        return vnodesPerNode;
    }

    /** The physical nodes, sorted. */
    public List<NodeId> nodes() {
        return List.of(nodes);
    }

    public int nodeCount() {
        return nodes.length;
    }

    public boolean isEmpty() {
        return nodes.length == 0;
    }

    public boolean contains(NodeId node) {
        return indexOf(node) >= 0;
    }

    /** All vnode tokens, ascending. */
    public List<Long> tokens() {
        List<Long> all = new ArrayList<>(tokens.length);
        for (long token : tokens) {
            all.add(token);
        }
        return Collections.unmodifiableList(all);
    }

    /** The tokens of {@code node}, ascending; empty when it is not in the ring. */
    public List<Long> tokensOf(NodeId node) {
        int nodeIndex = indexOf(node);
        List<Long> result = new ArrayList<>(vnodesPerNode);
        for (int i = 0; nodeIndex >= 0 && i < tokens.length; i++) {
            if (owners[i] == nodeIndex) {
                result.add(tokens[i]);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * The first {@code n} distinct physical nodes met walking clockwise from the vnode that owns
     * {@code token} (the first vnode token {@code >= token}, wrapping), skipping further vnodes of nodes
     * already chosen: the key's replicas in preference order. Fewer than {@code n} when the ring has
     * fewer nodes; empty for an empty ring.
     *
     * <p>Cost: a binary search plus a walk that usually ends after about {@code n} vnodes.
     */
    public List<NodeId> preferenceList(long token, int n) {
        Invariants.require(n >= 0, "preference list length must be >= 0, got %d", n);
        int wanted = Math.min(n, nodes.length);
        NodeId[] chosen = new NodeId[wanted];
        int[] chosenIndexes = new int[wanted];
        int count = 0;
        int position = ownerPosition(token);
        for (int step = 0; count < wanted && step < tokens.length; step++, position++) {
            if (position == tokens.length) {
                position = 0;
            }
            int owner = owners[position];
            if (!containsIndex(chosenIndexes, count, owner)) {
                chosenIndexes[count] = owner;
                chosen[count] = nodes[owner];
                count++;
            }
        }
        Invariants.check(count == wanted, "walked the whole ring and found %d of %d nodes", count, wanted);
        return List.of(chosen);
    }

    /**
     * Every physical node in clockwise order from the vnode that owns {@code token}: the preference list
     * followed by the fallback nodes that a sloppy quorum (Dynamo §4.6) takes in turn.
     */
    public List<NodeId> walk(long token) {
        NodeId[] order = new NodeId[nodes.length];
        boolean[] seen = new boolean[nodes.length];
        int count = 0;
        int start = ownerPosition(token);
        for (int step = 0; count < nodes.length && step < tokens.length; step++) {
            int owner = owners[wrap(start + step)];
            if (!seen[owner]) {
                seen[owner] = true;
                order[count++] = nodes[owner];
            }
        }
        Invariants.check(count == nodes.length, "walk found %d of %d nodes", count, nodes.length);
        return List.of(order);
    }

    /** The fraction of the token space that each node owns as primary (first replica); sums to 1. */
    public SortedMap<NodeId, Double> primaryShares() {
        double[] shares = new double[nodes.length];
        for (int i = 0; i < tokens.length; i++) {
            shares[owners[i]] += rangeEndingAt(i).ringFraction();
        }
        return sharesByNode(shares);
    }

    private SortedMap<NodeId, Double> sharesByNode(double[] shares) {
        SortedMap<NodeId, Double> result = new TreeMap<>();
        for (int n = 0; n < nodes.length; n++) {
            result.put(nodes[n], shares[n]);
        }
        return Collections.unmodifiableSortedMap(result);
    }

    /**
     * The fraction of the token space that each node holds as one of the {@code n} replicas of a key
     * (Dynamo's N): the load it really carries. Sums to {@code min(n, nodeCount())}.
     */
    public SortedMap<NodeId, Double> replicaShares(int n) {
        double[] shares = new double[nodes.length];
        int wanted = Math.min(n, nodes.length);
        int[] replicas = new int[wanted];
        for (int i = 0; i < tokens.length; i++) {
            double width = rangeEndingAt(i).ringFraction();
            int count = 0;
            for (int step = 0; count < wanted && step < tokens.length; step++) {
                int owner = owners[wrap(i + step)];
                if (!containsIndex(replicas, count, owner)) {
                    replicas[count++] = owner;
                    shares[owner] += width;
                }
            }
        }
        return sharesByNode(shares);
    }

    /** The ranges {@code (previous token, t]} of the vnodes of {@code node}, in token order. */
    public List<TokenRange> primaryRanges(NodeId node) {
        int nodeIndex = indexOf(node);
        List<TokenRange> result = new ArrayList<>();
        for (int i = 0; nodeIndex >= 0 && i < tokens.length; i++) {
            if (owners[i] == nodeIndex) {
                result.add(rangeEndingAt(i));
            }
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * The vnode ranges, in token order, whose preference list of length {@code n} includes {@code node}:
     * the data the node holds as a replica, for anti-entropy (Dynamo §4.7). Each range has one replica
     * set; adjacent ranges are not merged.
     */
    public List<TokenRange> replicatedRanges(NodeId node, int n) {
        List<TokenRange> result = new ArrayList<>();
        if (!contains(node)) {
            return List.of();
        }
        for (int i = 0; i < tokens.length; i++) {
            if (preferenceList(tokens[i], n).contains(node)) {
                result.add(rangeEndingAt(i));
            }
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * The ranges whose preference list of length {@code n} holds both {@code a} and {@code b}, with
     * adjacent ones coalesced (across the wrap too), in token order: what the two nodes compare in
     * anti-entropy. {@link TokenRange#FULL_RING} when every range qualifies; empty when none does.
     */
    public List<TokenRange> sharedRanges(NodeId a, NodeId b, int n) {
        if (tokens.length == 0) {
            return List.of();
        }
        boolean[] shared = new boolean[tokens.length];
        int count = 0;
        for (int i = 0; i < tokens.length; i++) {
            List<NodeId> replicas = preferenceList(tokens[i], n);
            shared[i] = replicas.contains(a) && replicas.contains(b);
            count += shared[i] ? 1 : 0;
        }
        if (count == tokens.length) {
            return List.of(TokenRange.FULL_RING);
        }
        // Start right after a range that is not shared, so that no run wraps past the end of the walk.
        int first = 0;
        while (shared[first]) {
            first++;
        }
        List<TokenRange> result = new ArrayList<>();
        long runStart = 0;
        boolean inRun = false;
        for (int step = 1; step <= tokens.length; step++) {
            int i = wrap(first + step);
            if (shared[i] && !inRun) {
                runStart = rangeEndingAt(i).startExclusive();
                inRun = true;
            } else if (!shared[i] && inRun) {
                result.add(new TokenRange(runStart, tokens[wrap(i - 1)]));
                inRun = false;
            }
        }
        result.sort(Comparator.comparingLong(TokenRange::endInclusive));
        return Collections.unmodifiableList(result);
    }

    /** The vnode ranges of the whole ring, in token order; one range per token. */
    public List<TokenRange> ranges() {
        List<TokenRange> result = new ArrayList<>(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            result.add(rangeEndingAt(i));
        }
        return Collections.unmodifiableList(result);
    }

    /** The sorted tokens; package-private and never to be modified (the allocator reads it). */
    long[] tokenArray() {
        return tokens;
    }

    /** Owner index per token, aligned with {@link #tokenArray()}; never to be modified. */
    int[] ownerArray() {
        return owners;
    }

    /** The sorted node array; never to be modified. */
    NodeId[] nodeArray() {
        return nodes;
    }

    private TokenRange rangeEndingAt(int position) {
        return new TokenRange(tokens[wrap(position - 1)], tokens[position]);
    }

    /** The index of the first token {@code >= token}, wrapping to 0 past the largest. */
    private int ownerPosition(long token) {
        if (tokens.length == 0) {
            return 0;
        }
        int position = Arrays.binarySearch(tokens, token);
        if (position < 0) {
            position = -position - 1;
        }
        return position == tokens.length ? 0 : position;
    }

    private int wrap(int position) {
        int length = tokens.length;
        return ((position % length) + length) % length;
    }

    private int indexOf(NodeId node) {
        return Arrays.binarySearch(nodes, node);
    }

    private static boolean containsIndex(int[] indexes, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (indexes[i] == value) {
                return true;
            }
        }
        return false;
    }

    /**
     * A 64-bit fingerprint of the owners and their tokens: two nodes with the same fingerprint see
     * the same ring (anti-entropy compares ranges only then; membership plans are named by it).
     */
    public long fingerprint() {
        long hash = 17;
        for (NodeId node : nodes()) {
            for (byte b : node.value().getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                hash = mix(hash, b);
            }
            for (long token : tokensOf(node)) {
                hash = mix(hash, token);
            }
        }
        return hash == 0 ? 1 : hash;
    }

    private static long mix(long hash, long value) {
        long h = (hash ^ value) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ring other
                && vnodesPerNode == other.vnodesPerNode
                && Arrays.equals(nodes, other.nodes)
                && Arrays.equals(tokens, other.tokens)
                && Arrays.equals(owners, other.owners);
    }

    @Override
    public int hashCode() {
        int result = Integer.hashCode(vnodesPerNode);
        result = 31 * result + Arrays.hashCode(nodes);
        result = 31 * result + Arrays.hashCode(tokens);
        return 31 * result + Arrays.hashCode(owners);
    }

    @Override
    public String toString() {
        return "Ring[nodes=" + nodes.length + ", vnodesPerNode=" + vnodesPerNode + ", tokens=" + tokens.length + "]";
    }
}
