package io.kvorum.node.coordinator;

import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;

import io.kvorum.common.NodeId;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One key's states on replicas {@code node-a}, {@code node-b}, {@code node-c} after one history, so
 * any of them merge with any other: x was written at a and reached b; a then overwrote x with y;
 * c took a concurrent blind write z. The merge of all three holds y and z.
 */
final class ReplicaStates {
    static final NodeId A = NodeId.of("node-a");
    static final NodeId B = NodeId.of("node-b");
    static final NodeId C = NodeId.of("node-c");
    static final NodeId STRANGER = NodeId.of("node-z");
    static final List<NodeId> REPLICAS = List.of(A, B, C);
    /** The failure detector trusting everyone. */
    static final Predicate<NodeId> ALL_HEALTHY = node -> true;

    /** x at a:1. */
    static final Siblings X = write(Siblings.EMPTY, A, CausalContext.EMPTY, "x");
    /** y at a:2, superseding x. */
    static final Siblings Y = write(X, A, X.context(), "y");
    /** z at c:1, concurrent with everything else. */
    static final Siblings Z = write(Siblings.EMPTY, C, CausalContext.EMPTY, "z");
    /** y and z: the join of every state above. */
    static final Siblings YZ = Y.merge(Z, NO_PRUNING);
    /** A tombstone at a:3 that superseded y (but not z). */
    static final Siblings DELETED_Y = delete(Y, A, Y.context());

    private ReplicaStates() {}

    /** The strict placement over a, b, c: every preferred replica whatever its health, never a stand-in. */
    static Placement strict() {
        return new Placement(REPLICAS, REPLICAS.size(), false, ALL_HEALTHY);
    }

    /** A sloppy placement whose walk holds only a, b and c: no node is left to stand in, so it acts as {@link #strict()}. */
    static Placement sloppyWithoutSpares() {
        return new Placement(REPLICAS, REPLICAS.size(), true, ALL_HEALTHY);
    }

    /** A target that is a preferred replica. */
    static Placement.Target primary(NodeId node) {
        return new Placement.Target(node, Optional.empty());
    }

    /** A target standing in for {@code owner}. */
    static Placement.Target standIn(NodeId node, NodeId owner) {
        return new Placement.Target(node, Optional.of(owner));
    }

    static Siblings write(Siblings state, NodeId coordinator, CausalContext context, String value) {
        return state.write(issuer(actor(coordinator.value())), context, Optional.of(bytes(value)), 1_000, NO_PRUNING).state();
    }

    static Siblings delete(Siblings state, NodeId coordinator, CausalContext context) {
        return state.write(issuer(actor(coordinator.value())), context, Optional.empty(), 2_000, NO_PRUNING).state();
    }

    static List<String> values(Siblings state) {
        return state.live().stream().map(s -> s.value().utf8String()).toList();
    }
}
