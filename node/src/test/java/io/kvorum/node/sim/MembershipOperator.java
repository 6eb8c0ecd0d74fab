package io.kvorum.node.sim;

import io.kvorum.common.NodeId;
import io.kvorum.node.core.Input;
import io.kvorum.node.membership.Membership;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An operator changing the simulated cluster's membership, one change at a time, as a user of
 * {@code scripts/kvorum} would: start a new node (join), ask a node to leave, kill a node for good and
 * ask a live node to remove it (again while it is refused, until the failure detectors have
 * convicted it), or kill a node for good and start its replacement. A change is over once its
 * subject is in (joined) or out (gone from every live member's ring) and no live member sees a plan
 * in flight; each finished change records how many keys transfers moved for it.
 */
final class MembershipOperator {
    /** The four operations. */
    enum Kind { JOIN, LEAVE, REMOVE, REPLACE }

    /**
     * A finished change: what it was, when it ran, and the keys the transfers received against the
     * ideal share (the keys stored times N over the nodes that own the share moved).
     */
    record Change(Kind kind, NodeId subject, Optional<NodeId> newNode, long startedMillis, long finishedMillis,
                  long keysStored, int ringNodesBefore, int ringNodesAfter, long keysMoved, int n) {
        /** The keys that must move in the best case: the share of one node of the larger ring. */
        double idealKeys() {
            return (double) keysStored * n / Math.max(ringNodesBefore, ringNodesAfter);
        }

        /**
         * The most keys a sane transfer moves: twice the ideal when each range comes from the one
         * node that loses it (join, leave), and twice the ideal per surviving replica when it comes
         * from all of them in full (remove, replace: the dead node is no source).
         */
        double boundKeys() {
            return switch (kind) {
                case JOIN, LEAVE -> 2 * idealKeys();
                case REMOVE, REPLACE -> 2 * (n - 1) * idealKeys();
            };
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s of %s%s: %d -> %d ring nodes in %d ms, %d keys stored, %d moved, ideal %.0f (%.2fx)",
                    kind.name().toLowerCase(Locale.ROOT), subject, newNode.map(id -> " by " + id).orElse(""), ringNodesBefore,
                    ringNodesAfter, finishedMillis - startedMillis, keysStored, keysMoved, idealKeys(),
                    idealKeys() == 0 ? 0 : keysMoved / idealKeys());
        }
    }

    private static final long POLL_MILLIS = 250;
    private static final long RETRY_MILLIS = 1_000;

    private final Simulator sim;
    private final List<Change> finished = new ArrayList<>();
    private Kind kind;
    private NodeId subject;
    private Optional<NodeId> newNode = Optional.empty();
    private long startedMillis;
    private long transferKeysBefore;
    private int ringNodesBefore;
    private long lastRequestMillis;
    private int requests;

    MembershipOperator(Simulator sim) {
        this.sim = sim;
    }

    /** Whether a change is in flight (started and not yet seen over). */
    boolean busy() {
        return kind != null;
    }

    /** Whether the change in flight has a node killed for good still in the ring (a removal or replacement). */
    boolean nodeLost() {
        return kind == Kind.REMOVE || kind == Kind.REPLACE;
    }

    /** The changes that have finished, in order. */
    List<Change> finished() {
        return finished;
    }

    /** The change in flight, for failure messages. */
    String describe() {
        return kind == null ? "no change in flight" : kind + " of " + subject + newNode.map(id -> " by " + id).orElse("")
                + " since " + startedMillis + " ms (" + requests + " requests)";
    }

    /** A new node joins through seeds. */
    void join() {
        begin(Kind.JOIN, null);
        subject = sim.startNewNode(Optional.empty());
    }

    /** {@code node} is asked to leave (decommission); asked again if a crash made it forget. */
    void leave(NodeId node) {
        begin(Kind.LEAVE, node);
        ask();
    }

    /** {@code node} dies for good and a live member is asked to remove it until it accepts. */
    void remove(NodeId node) {
        begin(Kind.REMOVE, node);
        sim.killForGood(node);
        ask();
    }

    /** {@code node} dies for good and a new node is started to take its tokens. */
    void replace(NodeId node) {
        begin(Kind.REPLACE, node);
        sim.killForGood(node);
        newNode = Optional.of(sim.startNewNode(Optional.of(node)));
    }

    private void begin(Kind next, NodeId node) {
        if (busy()) {
            throw new IllegalStateException("one change at a time: " + describe());
        }
        kind = next;
        subject = node;
        newNode = Optional.empty();
        startedMillis = sim.nowMillis();
        transferKeysBefore = sim.counts().transferKeys;
        ringNodesBefore = ringNodes();
        requests = 0;
        sim.schedule(POLL_MILLIS, "operator", this::poll);
    }

    private void poll() {
        if (!busy()) {
            return;
        }
        if (over()) {
            finished.add(new Change(kind, subject, newNode, startedMillis, sim.nowMillis(), sim.distinctKeysStored(),
                    ringNodesBefore, ringNodes(), sim.counts().transferKeys - transferKeysBefore, sim.config().n()));
            kind = null;
            return;
        }
        if (sim.nowMillis() - lastRequestMillis >= RETRY_MILLIS) {
            ask();
        }
        sim.schedule(POLL_MILLIS, "operator", this::poll);
    }

    /** Asks (again) for a leave or a removal; refusals (a change in flight, a node still reachable) are retried. */
    private void ask() {
        lastRequestMillis = sim.nowMillis();
        switch (kind) {
            case LEAVE -> {
                if (!sim.isGone(subject) && sim.isUp(subject) && selfStatus(subject) == Membership.Status.UP) {
                    requests++;
                    sim.admin(subject, new Input.AdminCommand.Leave(), reply -> { });
                }
            }
            case REMOVE -> {
                List<NodeId> live = sim.nodeIds().stream().filter(sim::isUp).filter(sim::hasJoined).toList();
                if (!live.isEmpty()) {
                    requests++;
                    sim.admin(live.get(sim.random().nextInt(live.size())), new Input.AdminCommand.Remove(subject), reply -> { });
                }
            }
            case JOIN, REPLACE -> { } // the new node does it all
        }
    }

    private Membership.Status selfStatus(NodeId node) {
        return sim.members(node).stream().filter(m -> m.id().equals(node)).map(Membership.Member::status).findFirst()
                .orElse(Membership.Status.DOWN);
    }

    /** The subject is in or out, and every live member agrees no change is in flight. */
    private boolean over() {
        List<NodeId> live = sim.nodeIds().stream().filter(sim::isUp).toList();
        if (live.isEmpty() || live.stream().anyMatch(id -> sim.plan(id).isPresent())) {
            return false;
        }
        return switch (kind) {
            case JOIN -> sim.hasJoined(subject) && live.stream().allMatch(id -> sim.ring(id).contains(subject));
            case REPLACE -> sim.hasJoined(newNode.orElseThrow()) && live.stream().allMatch(id -> !sim.ring(id).contains(subject)
                    && sim.ring(id).contains(newNode.orElseThrow()));
            case LEAVE, REMOVE -> sim.isGone(subject) && live.stream().noneMatch(id -> sim.ring(id).contains(subject));
        };
    }

    private int ringNodes() {
        List<NodeId> live = sim.nodeIds().stream().filter(sim::isUp).filter(sim::hasJoined).toList();
        return live.isEmpty() ? 0 : sim.ring(live.get(0)).nodeCount();
    }
}
