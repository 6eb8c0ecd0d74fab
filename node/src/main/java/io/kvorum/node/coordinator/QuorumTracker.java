package io.kvorum.node.coordinator;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.Shortfall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts the replies of one request's replicas against a quorum (etcd's {@code VoteResult}).
 *
 * <p>Each replica counts once, whatever arrives twice; replies from nodes that were not asked are
 * ignored. Stand-ins of a sloppy quorum join the count when they are asked. The quorum is lost as soon as so many replicas failed that the rest cannot reach it, so
 * a client gets its 503 promptly instead of at the timeout.
 */
public final class QuorumTracker {
    /** Where the count stands. */
    public enum Status { PENDING, SATISFIED, FAILED }

    private final int required;
    private final List<NodeId> replicas = new ArrayList<>();
    private final Set<NodeId> succeeded = new TreeSet<>();
    /** Failed replicas and why, in the order the failures arrived (the order a 503 names them). */
    private final Map<NodeId, String> failed = new LinkedHashMap<>();

    public QuorumTracker(int required, List<NodeId> replicas) {
        Invariants.require(required >= 1, "a quorum needs at least one reply, got %d", required);
        this.required = required;
        replicas.forEach(this::add);
    }

    /** Counts {@code replica}'s reply from now on (a stand-in that joined the request). */
    public void add(NodeId replica) {
        if (!replicas.contains(replica)) {
            replicas.add(replica);
        }
    }

    public Status succeed(NodeId from) {
        if (replicas.contains(from) && !failed.containsKey(from)) {
            succeeded.add(from);
        }
        return status();
    }

    /** {@code from} cannot take part; {@code reason} says why, for the client's 503. */
    public Status fail(NodeId from, String reason) {
        if (replicas.contains(from) && !succeeded.contains(from)) {
            failed.putIfAbsent(from, reason);
        }
        return status();
    }

    public Status status() {
        if (succeeded.size() >= required) {
            return Status.SATISFIED;
        }
        return replicas.size() - failed.size() < required ? Status.FAILED : Status.PENDING;
    }

    /** True once every replica has either succeeded or failed. */
    public boolean allResponded() {
        return succeeded.size() + failed.size() == replicas.size();
    }

    public boolean isReplica(NodeId node) {
        return replicas.contains(node);
    }

    public boolean hasSucceeded(NodeId node) {
        return succeeded.contains(node);
    }

    public boolean hasResponded(NodeId node) {
        return succeeded.contains(node) || failed.containsKey(node);
    }

    public int required() {
        return required;
    }

    public int acknowledged() {
        return succeeded.size();
    }

    /** Why the quorum is short: the deadline ({@code timedOut}) or the failures so far, with their reasons. */
    public Shortfall shortfall(boolean timedOut) {
        List<Shortfall.Refusal> refusals = new ArrayList<>();
        failed.forEach((node, reason) -> refusals.add(new Shortfall.Refusal(node, reason)));
        return new Shortfall(timedOut, refusals);
    }
}
