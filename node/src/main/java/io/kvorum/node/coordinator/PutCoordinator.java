package io.kvorum.node.coordinator;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.WriteOutcome;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The decisions of one write on its coordinating replica (Dynamo §4.5, with Riak's coordinated put).
 *
 * <p>Design note. Only a replica can coordinate a write, because the new version's dot is the next
 * counter of the coordinator for this key, read from its own stored state (see {@code Siblings}).
 * So the write goes first to the local engine, which issues the dot and stores the new version,
 * and as soon as the version is visible there (before its fsync) at once to the other N-1
 * replicas, which merge the coordinator's whole new state; the local copy counts towards W when
 * its own sync completes, so the coordinator's fsync overlaps the replicas' instead of preceding them. Sending the whole state (not just the new sibling) keeps each replica's knowledge of
 * every actor contiguous. The client is answered after W durable acknowledgements, the local one
 * included; the deadline or too many failures answer {@code Unavailable} with the count.
 * A write whose local store fails is not sent anywhere: there is no dot to send.
 */
public final class PutCoordinator {
    /** What to do after an event: answer (at most once), replicate the state to these nodes, and/or finish. */
    public record Decision(Optional<WriteOutcome> answer, List<NodeId> replicateTo, boolean finished) {
        static final Decision NOTHING = new Decision(Optional.empty(), List.of(), false);
    }

    private final NodeId self;
    private final List<NodeId> replicas;
    private final QuorumTracker tracker;
    private Optional<Siblings.NewVersion> version = Optional.empty();
    private boolean answered;

    /** @param replicas the preference list; it contains {@code self} */
    public PutCoordinator(NodeId self, int w, List<NodeId> replicas) {
        Invariants.require(replicas.contains(self), "coordinator %s is not among the replicas %s", self, replicas);
        this.self = self;
        this.replicas = List.copyOf(replicas);
        this.tracker = new QuorumTracker(w, replicas);
    }

    /** The local engine stored the new version durably: replicate it and count the local acknowledgement. */
    public Decision onLocalWritten(Siblings.NewVersion written) {
        Decision issued = onLocalIssued(written);
        Decision durable = onLocalDurable();
        return new Decision(durable.answer(), issued.replicateTo(), durable.finished());
    }

    /**
     * The new version is stored and visible locally but not yet durable: replicate it now, so the
     * other replicas sync in parallel with this one; the local acknowledgement waits for
     * {@link #onLocalDurable}.
     */
    public Decision onLocalIssued(Siblings.NewVersion written) {
        Invariants.check(version.isEmpty(), "local write completed twice");
        version = Optional.of(written);
        List<NodeId> others = new ArrayList<>(replicas);
        others.remove(self);
        return new Decision(Optional.empty(), others, false);
    }

    /** The local copy of the issued version is durable: it counts towards W. */
    public Decision onLocalDurable() {
        if (version.isEmpty() || tracker.hasResponded(self)) {
            return Decision.NOTHING;
        }
        tracker.succeed(self);
        return decide();
    }

    /**
     * The local engine failed. Before the version was issued nothing can be replicated and the
     * write is unavailable; after it, only the local acknowledgement is lost.
     */
    public Decision onLocalFailed() {
        if (version.isPresent()) {
            tracker.fail(self);
            return decide();
        }
        Optional<WriteOutcome> answer = answered ? Optional.empty() : Optional.of(unavailable());
        answered = true;
        return new Decision(answer, List.of(), true);
    }

    public Decision onAck(NodeId from) {
        if (version.isEmpty() || !tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        tracker.succeed(from);
        return decide();
    }

    public Decision onFailure(NodeId from) {
        if (version.isEmpty() || !tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        tracker.fail(from);
        return decide();
    }

    public Decision onTimeout() {
        Optional<WriteOutcome> answer = answered ? Optional.empty() : Optional.of(unavailable());
        answered = true;
        return new Decision(answer, List.of(), true);
    }

    private Decision decide() {
        Optional<WriteOutcome> answer = Optional.empty();
        if (!answered && tracker.status() != QuorumTracker.Status.PENDING) {
            answered = true;
            answer = Optional.of(tracker.status() == QuorumTracker.Status.SATISFIED
                    ? new WriteOutcome.Written(version.orElseThrow().versionContext())
                    : unavailable());
        }
        return new Decision(answer, List.of(), tracker.allResponded());
    }

    private WriteOutcome unavailable() {
        return new WriteOutcome.Unavailable(tracker.required(), tracker.acknowledged());
    }
}
