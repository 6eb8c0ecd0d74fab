package io.kvorum.ring;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The token ranges whose replica set changes between two rings (Dynamo §4.9): on a join or leave
 * only these ranges move, from the nodes in {@link RangeChange#lost()} to those in
 * {@link RangeChange#gained()}.
 *
 * <p>Ranges are cut at the tokens of both rings, so each range has one replica set before and one
 * after; neighbouring ranges with the same change are merged. A change in preference order alone
 * (same set of nodes) moves no data and is not reported.
 *
 * @param replicationFactor the preference-list length {@code N} the replica sets were computed for
 * @param changes the changed ranges in clockwise token order
 */
public record RingDiff(int replicationFactor, List<RangeChange> changes) {
    public RingDiff {
        Invariants.require(replicationFactor >= 1, "replication factor must be >= 1, got %d", replicationFactor);
        changes = List.copyOf(changes);
    }

    /** One range and its replicas before and after, each in preference order. */
    public record RangeChange(TokenRange range, List<NodeId> before, List<NodeId> after) {
        public RangeChange {
            Invariants.require(range != null, "range must not be null");
            before = List.copyOf(before);
            after = List.copyOf(after);
        }

        /** Nodes that replicate the range after but not before: they must receive its data. */
        public List<NodeId> gained() {
            return after.stream().filter(node -> !before.contains(node)).sorted().toList();
        }

        /** Nodes that replicated the range before but not after: they may drop its data once moved. */
        public List<NodeId> lost() {
            return before.stream().filter(node -> !after.contains(node)).sorted().toList();
        }
    }

    /** The ranges whose {@code replicationFactor} replicas differ between {@code before} and {@code after}. */
    public static RingDiff between(Ring before, Ring after, int replicationFactor) {
        Invariants.require(replicationFactor >= 1, "replication factor must be >= 1, got %d", replicationFactor);
        TreeSet<Long> boundaries = new TreeSet<>(before.tokens());
        boundaries.addAll(after.tokens());
        List<RangeChange> changes = new ArrayList<>();
        Long previous = boundaries.isEmpty() ? null : boundaries.last();
        for (Long end : boundaries) {
            List<NodeId> replicasBefore = before.preferenceList(end, replicationFactor);
            List<NodeId> replicasAfter = after.preferenceList(end, replicationFactor);
            if (!sameSet(replicasBefore, replicasAfter)) {
                appendMerging(changes, new RangeChange(new TokenRange(previous, end), replicasBefore, replicasAfter));
            }
            previous = end;
        }
        mergeWrapAround(changes);
        return new RingDiff(replicationFactor, changes);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The changes in which {@code node} gains the range, in token order. */
    public List<RangeChange> gainedBy(NodeId node) {
        return changes.stream().filter(change -> change.gained().contains(node)).toList();
    }

    /** The changes in which {@code node} loses the range, in token order. */
    public List<RangeChange> lostBy(NodeId node) {
        return changes.stream().filter(change -> change.lost().contains(node)).toList();
    }

    /** The fraction of the token space whose replica set changes. */
    public double changedFraction() {
        double sum = 0;
        for (RangeChange change : changes) {
            sum += change.range().ringFraction();
        }
        return sum;
    }

    private static boolean sameSet(List<NodeId> a, List<NodeId> b) {
        return a.size() == b.size() && a.containsAll(b);
    }

    /** Adds {@code next}, or extends the last change when it ends where {@code next} starts with the same replicas. */
    private static void appendMerging(List<RangeChange> changes, RangeChange next) {
        if (!changes.isEmpty()) {
            RangeChange last = changes.get(changes.size() - 1);
            if (last.range().endInclusive() == next.range().startExclusive() && sameReplicas(last, next)) {
                TokenRange merged = new TokenRange(last.range().startExclusive(), next.range().endInclusive());
                changes.set(changes.size() - 1, new RangeChange(merged, last.before(), last.after()));
                return;
            }
        }
        changes.add(next);
    }

    /** Joins the last change into the first when together they wrap past the largest token. */
    private static void mergeWrapAround(List<RangeChange> changes) {
        if (changes.size() < 2) {
            return;
        }
        RangeChange first = changes.get(0);
        RangeChange last = changes.get(changes.size() - 1);
        if (last.range().endInclusive() == first.range().startExclusive() && sameReplicas(last, first)) {
            TokenRange merged = new TokenRange(last.range().startExclusive(), first.range().endInclusive());
            changes.set(0, new RangeChange(merged, first.before(), first.after()));
            changes.remove(changes.size() - 1);
        }
    }

    private static boolean sameReplicas(RangeChange a, RangeChange b) {
        return a.before().equals(b.before()) && a.after().equals(b.after());
    }
}
