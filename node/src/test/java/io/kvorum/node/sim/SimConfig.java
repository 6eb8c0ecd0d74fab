package io.kvorum.node.sim;

import io.kvorum.storage.version.KeyLimits;

/**
 * Everything a simulation run is made of besides its seed: cluster shape, network and disk
 * behaviour, the fault schedule and the workload. Defaults are a noisy but healthy network.
 */
public record SimConfig(
        int nodeCount,
        int n,
        int r,
        int w,
        long requestTimeoutMillis,
        double dropProbability,
        double duplicateProbability,
        long minDelayMillis,
        long maxDelayMillis,
        long maxStorageDelayMillis,
        long maxClockSkewMillis,
        boolean nemesis,
        boolean lossyNode,
        long syncIntervalMillis,
        boolean handoff,
        long antiEntropyIntervalMillis,
        int keys,
        int clients,
        int blindWriters,
        KeyLimits keyLimits,
        long workloadMillis,
        double diskErrorProbability,
        boolean membershipChanges) {

    /**
     * A 5-node cluster (N=3, R=2, W=2) on a lossy, reordering network with the nemesis on; one node
     * syncs its disk only every 300 ms, so its crashes lose acknowledged writes; hinted handoff on,
     * anti-entropy every 2 s (0 turns it off). Beside the 10 read-modify-write clients, 2 careless
     * clients write blind, so keys often sit at their limit of 4 siblings while faults happen. While
     * faults are on, 1 storage operation in 500 meets a disk error: a failed write, a failed fsync
     * (the change is made but reported failed) or a full disk (writes refused, reads served).
     */
    public static SimConfig defaults() {
        return new SimConfig(5, 3, 2, 2, 500, 0.02, 0.02, 1, 40, 5, 2_000, true, true, 300, true, 2_000, 4, 10, 2,
                new KeyLimits(4, 1L << 20), 60_000, 0.002, false);
    }

    public SimConfig withNemesis(boolean on) {
        return new SimConfig(nodeCount, n, r, w, requestTimeoutMillis, dropProbability, duplicateProbability,
                minDelayMillis, maxDelayMillis, maxStorageDelayMillis, maxClockSkewMillis, on, lossyNode, syncIntervalMillis,
                handoff, antiEntropyIntervalMillis, keys, clients, blindWriters, keyLimits, workloadMillis, diskErrorProbability, membershipChanges);
    }

    /** The same run with hinted handoff and anti-entropy as given (for sabotage checks of the checker). */
    public SimConfig withRepair(boolean handoffOn, long antiEntropyInterval) {
        return new SimConfig(nodeCount, n, r, w, requestTimeoutMillis, dropProbability, duplicateProbability,
                minDelayMillis, maxDelayMillis, maxStorageDelayMillis, maxClockSkewMillis, nemesis, lossyNode, syncIntervalMillis,
                handoffOn, antiEntropyInterval, keys, clients, blindWriters, keyLimits, workloadMillis, diskErrorProbability, membershipChanges);
    }

    /**
     * The same run with the nemesis also joining, leaving, removing and replacing nodes (or not). No
     * node's disk is lossy then: a node lost for good with the only synced copy of a write the lossy
     * node forgot is a double failure no replication factor of 3 and W=2 survives, not a protocol bug.
     */
    public SimConfig withMembershipChanges(boolean on) {
        return new SimConfig(nodeCount, n, r, w, requestTimeoutMillis, dropProbability, duplicateProbability,
                minDelayMillis, maxDelayMillis, maxStorageDelayMillis, maxClockSkewMillis, nemesis, lossyNode && !on, syncIntervalMillis,
                handoff, antiEntropyIntervalMillis, keys, clients, blindWriters, keyLimits, workloadMillis, diskErrorProbability, on);
    }

    public SimConfig withNodes(int count, int replicas) {
        return new SimConfig(count, replicas, Math.min(r, replicas), Math.min(w, replicas), requestTimeoutMillis,
                dropProbability, duplicateProbability, minDelayMillis, maxDelayMillis, maxStorageDelayMillis,
                maxClockSkewMillis, nemesis, lossyNode, syncIntervalMillis, handoff, antiEntropyIntervalMillis, keys, clients, blindWriters, keyLimits, workloadMillis, diskErrorProbability, membershipChanges);
    }
}
