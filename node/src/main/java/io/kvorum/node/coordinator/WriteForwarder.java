package io.kvorum.node.coordinator;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.protocol.WriteOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The decisions of one write that a node which is not a replica of the key hands to a replica to
 * coordinate (only a preferred replica can issue the new version's dot; see {@link PutCoordinator}).
 *
 * <p>Design note. The write goes to one replica at a time, healthy ones first (in preference-list
 * order), then those the failure detector suspects, in case it is wrong. A replica that answers
 * decides the outcome, whatever it is (written, unavailable or refused by a key limit): it ran the
 * write's quorum, and trying another replica could store the write twice, as two siblings. A
 * replica that fails (a {@code ReplicaFailure}, or a send that could not be made) has stored nothing
 * as coordinator, so the next one is tried; when none is left the answer is {@code Unavailable},
 * with every replica's reason. The deadline answers {@code Unavailable} with the reasons so far.
 * Replies from anyone but the replica being tried are late or duplicated, and ignored. At most one
 * answer is ever given, after which every input is ignored.
 */
public final class WriteForwarder {
    /** What to do after an event: forward the write to {@code forwardTo}, and/or answer (which finishes the forwarding). */
    public record Decision(Optional<NodeId> forwardTo, Optional<WriteOutcome> answer) {
        static final Decision NOTHING = new Decision(Optional.empty(), Optional.empty());

        /** True once the forwarding is over: the operation's id and timer can go. */
        public boolean finished() {
            return answer.isPresent();
        }
    }

    private final int w;
    private final List<NodeId> order;
    /** The replicas tried so far that failed, and why. */
    private final List<Shortfall.Refusal> refusals = new ArrayList<>();
    private int attempt;
    private boolean answered;

    /**
     * @param replicas the key's preferred replicas, none of them this node
     * @param healthy the failure detector's current view: healthy replicas are tried first
     */
    public WriteForwarder(int w, List<NodeId> replicas, Predicate<NodeId> healthy) {
        Invariants.require(!replicas.isEmpty(), "a forwarded write needs a replica to go to");
        this.w = w;
        List<NodeId> ordered = new ArrayList<>(replicas.size());
        replicas.stream().filter(healthy).forEach(ordered::add);
        replicas.stream().filter(healthy.negate()).forEach(ordered::add);
        this.order = List.copyOf(ordered);
    }

    /** The replica the write is being tried on now. */
    public NodeId target() {
        return order.get(attempt);
    }

    /** Forward to the first replica. */
    public Decision start() {
        return new Decision(Optional.of(target()), Optional.empty());
    }

    /** {@code from} answered the forwarded write with {@code outcome}. */
    public Decision onAnswer(NodeId from, WriteOutcome outcome) {
        if (answered || !from.equals(target())) {
            return Decision.NOTHING;
        }
        return answer(outcome);
    }

    /** The write could not be coordinated by {@code from}, for {@code reason}: try the next replica. */
    public Decision onFailure(NodeId from, String reason) {
        if (answered || !from.equals(target())) {
            return Decision.NOTHING;
        }
        refusals.add(new Shortfall.Refusal(from, reason));
        if (attempt + 1 < order.size()) {
            attempt++;
            return new Decision(Optional.of(target()), Optional.empty());
        }
        return answer(new WriteOutcome.Unavailable(w, 0, new Shortfall(false, refusals)));
    }

    /** The deadline passed without an answer. */
    public Decision onTimeout() {
        if (answered) {
            return Decision.NOTHING;
        }
        return answer(new WriteOutcome.Unavailable(w, 0, new Shortfall(true, refusals, Shortfall.Stored.UNKNOWN)));
    }

    private Decision answer(WriteOutcome outcome) {
        answered = true;
        return new Decision(Optional.empty(), Optional.of(outcome));
    }
}
