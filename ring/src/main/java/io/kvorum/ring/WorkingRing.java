package io.kvorum.ring;

import io.kvorum.common.Invariants;
import java.util.Arrays;

/**
 * The mutable ring that {@link TokenAllocator} grows one token at a time while it places a joining
 * node, with the replica load of every node kept up to date so that a candidate token can be scored
 * by looking only at the few ranges it changes.
 *
 * <p>Local to one allocation; not thread-safe. Loads and widths are fractions of the whole ring.
 */
final class WorkingRing {
    private final long[] tokens;
    private final int[] owners;
    private int size;
    /** Replicas per range: the allocator's replication factor, capped at the final node count. */
    private final int replicas;
    private final double[] replicaLoads;
    private final double targetLoad;
    /** The joining node: its load is scored as if its unplaced tokens already carried their fair part. */
    private final int joiningNode;
    private final double expectedLoadPerToken;
    private int unplacedTokens;

    // Scratch for computeDeltas(): per-node load change, which nodes it touched, and walk buffers.
    private final double[] loadDeltas;
    private final boolean[] touched;
    private final int[] touchedNodes;
    private int touchedCount;
    private final int[] walkOut;
    private final int[] backSeen;

    /** Copies {@code ring}; the joining node gets the next node index, {@code ring.nodeCount()}. */
    WorkingRing(Ring ring, int replicationFactor, int tokensToAdd) {
        int nodeCount = ring.nodeCount() + 1;
        this.joiningNode = nodeCount - 1;
        this.unplacedTokens = tokensToAdd;
        this.size = ring.tokenArray().length;
        this.tokens = Arrays.copyOf(ring.tokenArray(), size + tokensToAdd);
        this.owners = Arrays.copyOf(ring.ownerArray(), size + tokensToAdd);
        this.replicas = Math.min(replicationFactor, nodeCount);
        this.replicaLoads = new double[nodeCount];
        this.targetLoad = (double) replicas / nodeCount;
        this.expectedLoadPerToken = targetLoad / tokensToAdd;
        this.loadDeltas = new double[nodeCount];
        this.touched = new boolean[nodeCount];
        this.touchedNodes = new int[nodeCount];
        this.walkOut = new int[replicas];
        this.backSeen = new int[replicas];
        for (int i = 0; i < size; i++) {
            int count = walk(i, -1, -1, walkOut);
            for (int r = 0; r < count; r++) {
                replicaLoads[walkOut[r]] += width(i);
            }
        }
    }

    int size() {
        return size;
    }

    long token(int position) {
        return tokens[position];
    }

    int owner(int position) {
        return owners[position];
    }

    /** The position of an existing {@code token}. */
    int positionOf(long token) {
        int position = Arrays.binarySearch(tokens, 0, size, token);
        Invariants.check(position >= 0, "token %d is not in the working ring", token);
        return position;
    }

    long previousToken(int position) {
        return tokens[position == 0 ? size - 1 : position - 1];
    }

    /** The width of the range ending at {@code position}, as a fraction of the ring (1 for a lone token). */
    double width(int position) {
        return size == 1 ? 1.0 : Tokens.unsignedFraction(tokens[position] - previousToken(position));
    }

    /**
     * The change in the sum of squared deviations of replica load from the mean if the joining node took
     * the first {@code amountFraction} of the range ending at {@code position}.
     *
     * <p>The joining node is scored as if each unplaced token already brought its fair part of the target
     * (Cassandra's trick): a candidate is then judged by how far it is from a fair token, not by how much
     * it grabs, and a candidate's score stays valid while other tokens are placed far from it.
     */
    double replicaCostChange(int position, double amountFraction) {
        computeDeltas(position, amountFraction, joiningNode);
        double change = 0;
        for (int t = 0; t < touchedCount; t++) {
            int node = touchedNodes[t];
            double before = replicaLoads[node] - targetLoad;
            double delta = loadDeltas[node];
            if (node == joiningNode) {
                before += expectedLoadPerToken * unplacedTokens;
                delta -= expectedLoadPerToken;
            }
            double after = before + delta;
            change += after * after - before * before;
        }
        clearDeltas();
        return change;
    }

    /** Inserts {@code newToken}, owned by the joining node, inside the range ending at {@code position}. */
    void split(int position, long newToken) {
        int newOwner = joiningNode;
        Invariants.check(unplacedTokens > 0, "the joining node has no token left to place");
        unplacedTokens--;
        double amountFraction = Tokens.unsignedFraction(newToken - previousToken(position));
        computeDeltas(position, amountFraction, newOwner);
        for (int t = 0; t < touchedCount; t++) {
            replicaLoads[touchedNodes[t]] += loadDeltas[touchedNodes[t]];
        }
        clearDeltas();
        int insertAt = insertionPoint(newToken);
        Invariants.check(insertAt == position || (position == 0 && insertAt == size),
                "token %d is not inside the range ending at position %d", newToken, position);
        System.arraycopy(tokens, insertAt, tokens, insertAt + 1, size - insertAt);
        System.arraycopy(owners, insertAt, owners, insertAt + 1, size - insertAt);
        tokens[insertAt] = newToken;
        owners[insertAt] = newOwner;
        size++;
    }

    private int insertionPoint(long token) {
        int found = Arrays.binarySearch(tokens, 0, size, token);
        Invariants.check(found < 0, "token %d is already in the working ring", token);
        return -found - 1;
    }

    /**
     * Load changes of inserting a vnode of {@code newOwner} just before {@code position}, taking
     * {@code amount} of that range. Affected: the range being split, the new range, and the ranges
     * just before them whose replica walk passes the insertion point before it has found every replica.
     */
    private void computeDeltas(int position, double amount, int newOwner) {
        double width = width(position);
        addWalk(position, -1, -1, -width);
        addWalk(position, position, newOwner, amount);           // the new range: the walk starts on the new vnode
        addWalk(position + 1, position, newOwner, width - amount); // the shrunk range, one step later in the new ring
        int distinct = 0;
        for (int back = 1; back < size; back++) {
            int j = Math.floorMod(position - back, size);
            if (!contains(backSeen, distinct, owners[j])) {
                backSeen[distinct++] = owners[j];
            }
            if (distinct >= replicas) {
                break; // the walk from j finds all its replicas before the insertion point, as do walks further back
            }
            double rangeWidth = width(j);
            addWalk(j, -1, -1, -rangeWidth);
            addWalk(virtualIndex(j, position), position, newOwner, rangeWidth);
        }
    }

    private static int virtualIndex(int oldIndex, int insertAt) {
        return oldIndex < insertAt ? oldIndex : oldIndex + 1;
    }

    /** Adds {@code weight} to each replica found walking from virtual index {@code start}. */
    private void addWalk(int start, int insertAt, int newOwner, double weight) {
        int count = walk(start, insertAt, newOwner, walkOut);
        for (int r = 0; r < count; r++) {
            int node = walkOut[r];
            if (!touched[node]) {
                touched[node] = true;
                touchedNodes[touchedCount++] = node;
            }
            loadDeltas[node] += weight;
        }
    }

    /**
     * The first distinct owners met walking clockwise from {@code start}, in a ring that has a vnode of
     * {@code newOwner} inserted before old position {@code insertAt} (no insertion when it is -1).
     */
    private int walk(int start, int insertAt, int newOwner, int[] out) {
        int length = insertAt < 0 ? size : size + 1;
        int count = 0;
        for (int step = 0; step < length && count < replicas; step++) {
            int virtual = (start + step) % length;
            int owner;
            if (insertAt < 0 || virtual < insertAt) {
                owner = owners[virtual];
            } else if (virtual == insertAt) {
                owner = newOwner;
            } else {
                owner = owners[virtual - 1];
            }
            if (!contains(out, count, owner)) {
                out[count++] = owner;
            }
        }
        return count;
    }

    private void clearDeltas() {
        for (int t = 0; t < touchedCount; t++) {
            loadDeltas[touchedNodes[t]] = 0;
            touched[touchedNodes[t]] = false;
        }
        touchedCount = 0;
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }
}
