package io.kvorum.node.coordinator;

import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Which nodes one request goes to (Dynamo §4.6): the key's N preferred replicas, and, with a sloppy
 * quorum, a stand-in for each preferred replica that is not healthy.
 *
 * <p>Design note. Walking the ring clockwise from the key's token gives every node once, the N
 * preferred replicas first. A sloppy placement sends to each healthy preferred replica, and for each
 * one that is not healthy (suspected by the failure detector) to the next healthy node of the walk
 * not used yet, which stores the write as a hint naming the replica it stands in for. When a target
 * fails during the request, {@link #replace} finds the next stand-in for the same owner. When the
 * walk has no stand-in left, the owner's copy is missing; the coordinator then keeps its hint
 * itself (see {@link PutCoordinator}). A strict placement sends to the N preferred replicas
 * whatever their health and never stands anyone in.
 */
public final class Placement {
    /** One node a request goes to; {@code standInFor} names the preferred replica a stand-in holds a hint for. */
    public record Target(NodeId node, Optional<NodeId> standInFor) {
        public boolean isStandIn() {
            return standInFor.isPresent();
        }

        /** The preferred replica whose copy this target holds. */
        public NodeId owner() {
            return standInFor.orElse(node);
        }
    }

    /** The whole walk, computed only when a stand-in is needed: most requests never need one. */
    private final Supplier<List<NodeId>> walkSupplier;
    private List<NodeId> walk;
    private final List<NodeId> preferred;
    private final boolean sloppy;
    private final List<Target> targets = new ArrayList<>();
    private final Set<NodeId> used = new LinkedHashSet<>();

    /**
     * @param walk every node in ring order from the key's token ({@code Ring.walk})
     * @param n the replication factor: the first {@code n} of the walk are the preferred replicas
     * @param healthy whether the failure detector trusts a node now
     */
    public Placement(List<NodeId> walk, int n, boolean sloppy, Predicate<NodeId> healthy) {
        this(walk.subList(0, Math.min(n, walk.size())), () -> List.copyOf(walk), sloppy, healthy);
    }

    /**
     * @param preferred the key's N preferred replicas ({@code Ring.preferenceList})
     * @param walk every node in ring order from the key's token ({@code Ring.walk}), asked for only
     *     when a stand-in is needed
     * @param healthy whether the failure detector trusts a node now
     */
    public Placement(List<NodeId> preferred, Supplier<List<NodeId>> walk, boolean sloppy, Predicate<NodeId> healthy) {
        this.preferred = List.copyOf(preferred);
        this.walkSupplier = walk;
        this.sloppy = sloppy;
        preferred.forEach(used::add);
        List<NodeId> down = new ArrayList<>();
        for (NodeId node : preferred) {
            if (!sloppy || healthy.test(node)) {
                targets.add(new Target(node, Optional.empty()));
            } else {
                down.add(node);
            }
        }
        for (NodeId owner : down) {
            standIn(owner, healthy);
        }
    }

    /** The key's N preferred replicas, in ring order. */
    public List<NodeId> preferred() {
        return preferred;
    }

    /** Every target chosen so far, in the order chosen. */
    public List<Target> targets() {
        return List.copyOf(targets);
    }

    public Optional<Target> target(NodeId node) {
        for (Target target : targets) {
            if (target.node().equals(node)) {
                return Optional.of(target);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code failed} (a target) did not take the request: the next healthy unused node of the walk
     * stands in for its owner, if the placement is sloppy and there is one.
     */
    public Optional<Target> replace(NodeId failed, Predicate<NodeId> healthy) {
        Optional<Target> target = target(failed);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        return sloppy ? standIn(target.get().owner(), healthy) : Optional.empty();
    }

    private Optional<Target> standIn(NodeId owner, Predicate<NodeId> healthy) {
        if (walk == null) {
            walk = walkSupplier.get();
        }
        for (NodeId candidate : walk) {
            if (!used.contains(candidate) && healthy.test(candidate)) {
                used.add(candidate);
                Target target = new Target(candidate, Optional.of(owner));
                targets.add(target);
                return Optional.of(target);
            }
        }
        return Optional.empty();
    }
}
