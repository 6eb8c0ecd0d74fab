package io.kvorum.ring;

import io.kvorum.common.Invariants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * How much of the ring a joining node takes from each existing node, and with how many of its tokens:
 * steps 1 and 2 of the {@link TokenAllocator} design note. Local to one allocation; not thread-safe.
 */
final class DonorPlan {
    /** Donor node indexes, most to give first (ties by node id); only donors with at least one token. */
    private final int[] donors;
    /** Per node index: the fraction of the ring still to take from it. */
    private final double[] remaining;
    /** Per node index: tokens of the joining node still to place in its ranges. */
    private final int[] tokensLeft;

    private DonorPlan(int[] donors, double[] remaining, int[] tokensLeft) {
        this.donors = donors;
        this.remaining = remaining;
        this.tokensLeft = tokensLeft;
    }

    /** The plan for one node joining {@code ring} with {@code vnodes} tokens. */
    static DonorPlan of(Ring ring, int vnodes) {
        int nodeCount = ring.nodeCount();
        double[] shares = new double[nodeCount];
        int index = 0;
        for (double share : ring.primaryShares().values()) {
            shares[index++] = share;
        }
        double[] needs = waterFill(shares, 1.0 / (nodeCount + 1), Math.min(vnodes, nodeCount));
        int[] tokens = apportion(needs, vnodes);
        List<Integer> order = new ArrayList<>();
        for (int node = 0; node < nodeCount; node++) {
            if (tokens[node] > 0) {
                order.add(node);
            }
        }
        order.sort(Comparator.<Integer>comparingDouble(node -> -needs[node]).thenComparingInt(node -> node));
        return new DonorPlan(order.stream().mapToInt(Integer::intValue).toArray(), needs, tokens);
    }

    /**
     * What to take from each node so that the joining node gets {@code total} and the largest remaining
     * share is as small as possible: everything above the level L where the excesses add up to
     * {@code total}. Only the {@code maxDonors} largest nodes may give, since each token takes from one.
     */
    static double[] waterFill(double[] shares, double total, int maxDonors) {
        Integer[] bySize = new Integer[shares.length];
        for (int node = 0; node < shares.length; node++) {
            bySize[node] = node;
        }
        Arrays.sort(bySize, Comparator.<Integer>comparingDouble(node -> -shares[node]).thenComparingInt(node -> node));
        double prefix = 0;
        double level = 0;
        int donorCount = 0;
        for (int k = 1; k <= maxDonors; k++) {
            prefix += shares[bySize[k - 1]];
            level = (prefix - total) / k;
            donorCount = k;
            if (k == maxDonors || level >= shares[bySize[k]]) {
                break;
            }
        }
        Invariants.check(level >= 0, "water level %s below zero: donors own too little", level);
        double[] needs = new double[shares.length];
        for (int k = 0; k < donorCount; k++) {
            needs[bySize[k]] = Math.max(0.0, shares[bySize[k]] - level);
        }
        return needs;
    }

    /** Shares {@code tokens} among the nodes in proportion to their needs (D'Hondt; ties to the lower index). */
    static int[] apportion(double[] needs, int tokens) {
        int[] counts = new int[needs.length];
        PriorityQueue<Integer> next = new PriorityQueue<>(Comparator
                .<Integer>comparingDouble(node -> -needs[node] / (counts[node] + 1))
                .thenComparingInt(node -> node));
        for (int node = 0; node < needs.length; node++) {
            if (needs[node] > 0) {
                next.add(node);
            }
        }
        for (int given = 0; given < tokens && !next.isEmpty(); given++) {
            int node = next.poll();
            counts[node]++;
            next.add(node);
        }
        return counts;
    }

    int[] donorsInOrder() {
        return donors.clone();
    }

    int tokensLeft(int node) {
        return node < tokensLeft.length ? tokensLeft[node] : 0;
    }

    /** The fraction the next token should take from {@code node}: an even split of what is left. */
    double shareOfNextToken(int node) {
        int left = tokensLeft(node);
        return left == 0 ? 0.0 : Math.max(0.0, remaining[node]) / left;
    }

    void took(int node, double fraction) {
        Invariants.check(tokensLeft[node] > 0, "node index %d has no token left to give", node);
        tokensLeft[node]--;
        remaining[node] -= fraction;
    }
}
