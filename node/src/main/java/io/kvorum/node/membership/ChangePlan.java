package io.kvorum.node.membership;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.ring.Ring;
import io.kvorum.ring.RingDiff;
import io.kvorum.ring.RingDiff.RangeChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A membership change in flight (Dynamo §4.9), as every node derives it from gossip: the ring that
 * owns the data now, the ring once the change is done, and the ranges that move between them.
 *
 * <p>Design note. While a plan is in flight, reads use {@link #current} only and writes go to the
 * current replicas <em>and</em> to the nodes that gain the key's range ({@link #pendingFor}), which
 * do not count towards W (Cassandra's pending ranges). Each gaining node streams its ranges; a range
 * comes from the node that loses it when that node is alive, so the new replica set holds exactly
 * what the old one held, and otherwise from every surviving replica ({@link #sources}). The plan's
 * {@link #id} is a hash of both rings, the same on every node that sees the same gossip: members
 * announce the plan they see and the plan they have finished streaming for under that id.
 *
 * @param id a non-zero fingerprint of {@code current} and {@code future}
 * @param dead members whose copy is gone (being removed, or replaced): never a source
 */
public record ChangePlan(long id, Reason reason, NodeId subject, Ring current, Ring future, int n, RingDiff diff,
                         Set<NodeId> dead) {
    /** Why ranges move; its {@link #wireName} is what {@code /cluster/transfers} shows. */
    public enum Reason {
        JOIN, LEAVE, REMOVE, REPLACE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ChangePlan {
        Invariants.require(id != 0, "a plan id is never 0");
        dead = Set.copyOf(dead);
    }

    /** The plan that takes {@code current} to {@code future}, or null when they are the same ring. */
    public static ChangePlan between(Reason reason, NodeId subject, Ring current, Ring future, int n, Set<NodeId> dead) {
        if (current.equals(future)) {
            return null;
        }
        return new ChangePlan(fingerprint(current, future), reason, subject, current, future, n,
                RingDiff.between(current, future, n), dead);
    }

    /** Nodes that must also receive a write of {@code token}: its replicas after the change that are not replicas now. */
    public List<NodeId> pendingFor(long token) {
        List<NodeId> now = current.preferenceList(token, n);
        List<NodeId> pending = new ArrayList<>(1);
        for (NodeId node : future.preferenceList(token, n)) {
            if (!now.contains(node)) {
                pending.add(node);
            }
        }
        return pending;
    }

    /** Every node that gains at least one range. */
    public List<NodeId> gainers() {
        return diff.changes().stream().flatMap(change -> change.gained().stream()).distinct().sorted().toList();
    }

    /** The ranges {@code node} gains. */
    public List<RangeChange> gainedBy(NodeId node) {
        return diff.gainedBy(node);
    }

    /**
     * Where {@code node} streams {@code change} from, in order of preference: the one node that loses
     * the range when there is exactly one and its copy is not gone; else every old replica whose copy
     * is not gone, each streamed in full (their union holds every acknowledged write).
     */
    public Sources sources(RangeChange change) {
        List<NodeId> lost = change.lost();
        if (lost.size() == 1 && !dead.contains(lost.get(0))) {
            List<NodeId> fallback = change.before().stream().filter(node -> !dead.contains(node) && !node.equals(lost.get(0))).toList();
            return new Sources(List.of(lost.get(0)), fallback);
        }
        return new Sources(List.of(), change.before().stream().filter(node -> !dead.contains(node)).toList());
    }

    /**
     * Where a range comes from: the {@code exact} source (the node that loses it) if it has one and it
     * is alive, else each of the {@code union} sources in full.
     */
    public record Sources(List<NodeId> exact, List<NodeId> union) {
        public Sources {
            exact = List.copyOf(exact);
            union = List.copyOf(union);
        }
    }

    private static long fingerprint(Ring current, Ring future) {
        long h = (current.fingerprint() * 31 ^ future.fingerprint()) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }
}
