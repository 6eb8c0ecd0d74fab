package io.kvorum.node.coordinator;

import io.kvorum.node.message.PeerMessage.ReadMode;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.Placement.Target;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.node.message.Shortfall;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The decisions of one read (Dynamo §4.5 [1]) with digest reads (Cassandra [2]): ask R replicas
 * (or all N, {@link Settings#askAll}), answer once R have replied, keep listening until every
 * replica asked replied or the deadline passed, then plan read repairs from everything heard, late
 * replies included.
 *
 * <p>Fan-out. Like Cassandra at QUORUM, a read asks only R targets at first ({@link #initialTargets}:
 * the data replica, then preferred replicas the failure detector trusts): the third replica's
 * request, digest and reply are work no answer needs when the replicas agree (issue 16 [3]). The
 * others are <em>spares</em>: a target that fails is replaced by the next spare (before any
 * stand-in), and at the hedge point every spare is asked if the read has not answered yet. The
 * price: read repair reaches only the replicas a read asked (anti-entropy repairs the rest), and a
 * replica that stops answering before the failure detector suspects it delays reads to the hedge
 * point. {@code askAll} is Riak's way: every target at once.
 *
 * <p>Design note. Only one target, the <em>data replica</em> ({@link #dataReplica}: the coordinator
 * itself when it is a preferred replica, since a local read costs no wire; else the first healthy
 * preferred replica), is asked for its whole state; the others are asked for a digest of theirs
 * ({@link StateDigester}; issue 16 [3]: most reads find the replicas in agreement, so shipping N
 * copies of the value is waste).
 * A digest reply counts towards R only once it is <em>resolved</em>: it equals the digest of a
 * state this read holds in full (a full reply, or their merge), and then stands for that state.
 * A digest that cannot be resolved is <em>fetched</em>: its replica is asked again for its whole
 * state (a {@link ReadMode#DATA} request under the same request id), and its full reply counts.
 * A digest waits for the data replica's state before it is fetched, but not forever: once the data
 * replica answered, failed, or the hedge point passed ({@link #onHedge}: it is slow), every
 * unresolved digest, and every one that arrives later, is fetched at once. So:
 * <ul>
 *   <li>invariant: every reply counted towards R stands for a state the read holds in full, so the
 *       answer, the merge of the full states, is the merge of R replies (or more), exactly as with
 *       full reads: no read returns an older state than a full read would;</li>
 *   <li>agreement (the common case) costs one state and N-1 digests on the wire; a mismatch costs
 *       one more round trip to the mismatching replica (counted as {@link Decision#digestMismatches});</li>
 *   <li>read repair is planned from the states exactly as with full reads, so a stale replica
 *       found by a late digest is fetched and then repaired; a replica whose digest is still
 *       unresolved at the deadline gets the merge if its digest differs from the merge's.</li>
 * </ul>
 * The caller sets the hedge point (the core: half the deadline, as for a sloppy write's hedge); a
 * data replica that is slow without failing therefore delays a read by up to that much, where
 * Cassandra's speculative retry waits for a latency percentile instead. Its late state still counts.
 * Stand-ins asked after a failure are asked for their whole state. With no data replica
 * ({@link Settings#full}) every target is asked for its state: the full reads of before.
 *
 * <p>Failure behaviour: a target that fails (unreachable, disk error) is replaced by the next
 * stand-in of a sloppy {@link Placement}; failures count against the quorum, so a read that can no
 * longer reach R answers {@code Unavailable} at once; the deadline answers {@code Unavailable} with
 * the count of resolved replies. Duplicate and unknown replies are ignored. A stand-in answers from
 * its own data, and only preferred replicas are repaired: a stand-in keeps no copy of keys it does not own.
 *
 * <p>[1] DeCandia et al., Dynamo, SOSP 2007, §4.5. [2] Apache Cassandra, "digest reads"
 * (DigestResolver, ReadCallback). [3] Issue 16 (performance), "Digest reads".
 */
public final class GetCoordinator {
    /**
     * What to do after an event: answer the client (at most once per request), ask these stand-ins
     * too (for their whole state), ask these targets again for their whole state ({@code fetch}: their
     * digest did not match), and/or finish with repairs; {@code digestMismatches} counts the digests
     * this event found to differ from the data replica's state.
     */
    public record Decision(Optional<ReadOutcome> answer, List<Target> ask, List<NodeId> fetch, int digestMismatches,
                           boolean finished, List<Repair> repairs) {
        static final Decision NOTHING = new Decision(Optional.empty(), List.of(), List.of(), 0, false, List.of());

        public Decision {
            ask = List.copyOf(ask);
            fetch = List.copyOf(fetch);
            repairs = List.copyOf(repairs);
        }
    }

    /**
     * How one read runs: its quorum {@code r}, the bound on clock entries of a merge, the wall time it
     * started at (for the read repair grace; {@link Outbox#WALL_UNKNOWN}: no grace), the target asked for
     * its whole state (empty: every target is), the digest of a state as the replicas compute it, and
     * whether every target is asked at the start ({@code askAll}) or only R of them.
     */
    public record Settings(int r, int maxActors, long wallMillis, Optional<NodeId> dataReplica,
                           Function<Siblings, Optional<MerkleHash>> digester, boolean askAll) {
        /** Full reads: every target is asked for its whole state, all at the start. */
        public static Settings full(int r, int maxActors, long wallMillis) {
            return new Settings(r, maxActors, wallMillis, Optional.empty(), state -> {
                throw new IllegalStateException("a full read compares no digests");
            }, true);
        }
    }

    private final Placement placement;
    private final Predicate<NodeId> healthy;
    private final QuorumTracker tracker;
    private final Settings settings;
    /** The state each resolved replica stands for: its full reply, or the full state its digest equals. */
    private final SortedMap<NodeId, Siblings> replies = new TreeMap<>();
    /** The full states heard (and their merge), by digest: for lookups only. */
    private final Map<Optional<MerkleHash>, Siblings> statesByDigest = new LinkedHashMap<>();
    /** Digests not resolved yet and not fetched yet: they wait for the data replica. */
    private final SortedMap<NodeId, Optional<MerkleHash>> unresolved = new TreeMap<>();
    /** Digests not resolved whose replicas were asked for their whole state. */
    private final SortedMap<NodeId, Optional<MerkleHash>> fetching = new TreeMap<>();
    /** Every reply merged so far: kept as they come, so each is merged once, not again for the answer and the repairs. */
    private Siblings merged = Siblings.EMPTY;
    private boolean mergedDigested = true;
    /** True when one target is asked for its state and the others for digests; false for full reads. */
    private final boolean digestReads;
    /**
     * Targets not asked at the start (unless {@link Settings#askAll}, a read asks the data replica and
     * R-1 others): the next one is asked when an asked target fails, all of them at the hedge point.
     */
    private final ArrayDeque<Target> spares = new ArrayDeque<>();
    /** The targets asked at the start. */
    private final List<Target> initial;
    /** True once digests stop waiting for the data replica: it answered, failed, or is slow (or there is none). */
    private boolean dataSettled;
    private boolean answered;

    /** Full reads. @param healthy the failure detector's current view, consulted when a stand-in is needed */
    public GetCoordinator(int r, Placement placement, Predicate<NodeId> healthy, int maxActors) {
        this(placement, healthy, Settings.full(r, maxActors, Outbox.WALL_UNKNOWN));
    }

    /** Full reads at wall time {@code wallMillis}: replicas that lack only versions in flight are not repaired. */
    public GetCoordinator(int r, Placement placement, Predicate<NodeId> healthy, int maxActors, long wallMillis) {
        this(placement, healthy, Settings.full(r, maxActors, wallMillis));
    }

    /** A read as {@code settings} say: digest reads when they name a data replica among the targets. */
    public GetCoordinator(Placement placement, Predicate<NodeId> healthy, Settings settings) {
        this.placement = placement;
        this.healthy = healthy;
        this.settings = settings;
        List<Target> targets = placement.targets();
        this.digestReads = settings.dataReplica().filter(data -> targets.stream().anyMatch(target -> target.node().equals(data))).isPresent();
        this.initial = settings.askAll() ? targets : quorumFirst(targets, settings.dataReplica(), settings.r(), healthy);
        targets.stream().filter(target -> !initial.contains(target)).forEach(spares::add);
        this.tracker = new QuorumTracker(settings.r(), initial.stream().map(Target::node).toList());
        this.dataSettled = !digestReads;
    }

    /**
     * The {@code r} targets a read asks first: the data replica (if any), then preferred replicas the
     * failure detector trusts, then trusted stand-ins, then the rest, each group in ring order.
     */
    private static List<Target> quorumFirst(List<Target> targets, Optional<NodeId> dataReplica, int r, Predicate<NodeId> healthy) {
        return targets.stream()
                .sorted(Comparator.comparingInt(target -> dataReplica.filter(target.node()::equals).isPresent() ? 0
                        : !healthy.test(target.node()) ? 3 : target.isStandIn() ? 2 : 1))
                .limit(r)
                .toList();
    }

    /** The targets to ask when the read starts; the others are asked only if one of these fails or is slow. */
    public List<Target> initialTargets() {
        return initial;
    }

    /**
     * The target to ask for its whole state: {@code self} when it is a preferred replica among the
     * targets (a local read costs no wire), else the first preferred replica the failure detector
     * trusts, else the first target. A stand-in comes last: it holds the key only as hints, so its
     * state would rarely match the replicas' digests.
     */
    public static Optional<NodeId> dataReplica(Placement placement, NodeId self, Predicate<NodeId> healthy) {
        List<NodeId> primaries = placement.targets().stream().filter(target -> !target.isStandIn()).map(Target::node).toList();
        if (primaries.contains(self)) {
            return Optional.of(self);
        }
        return primaries.stream().filter(healthy).findFirst()
                .or(() -> placement.targets().stream().map(Target::node).findFirst());
    }

    /** How to ask {@code target} at the start: for its whole state, or for its digest. */
    public ReadMode modeFor(NodeId target) {
        return digestReads && !settings.dataReplica().get().equals(target) ? ReadMode.DIGEST : ReadMode.DATA;
    }

    /** The decision right after the requests went out: a quorum larger than the replica set fails at once. */
    public Decision start() {
        return decide();
    }

    /** {@code from} answered with its whole state. */
    public Decision onReply(NodeId from, Siblings state) {
        if (!tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        unresolved.remove(from);
        fetching.remove(from);
        resolve(from, state);
        merged = merged.merge(state, settings.maxActors());
        mergedDigested = false;
        if (digestReads) {
            statesByDigest.putIfAbsent(settings.digester().apply(state), state);
        }
        boolean fromData = settings.dataReplica().filter(from::equals).isPresent();
        resolveDigests();
        List<NodeId> fetch = List.of();
        int mismatches = 0;
        if (fromData && !dataSettled) {
            dataSettled = true;
            mismatches = unresolved.size();
            fetch = fetchUnresolved();
        }
        return with(decide(), List.of(), fetch, mismatches);
    }

    /** {@code from} answered with the digest of its state (empty: it holds nothing for the key); ignored by a full read, which asked for none. */
    public Decision onDigest(NodeId from, Optional<MerkleHash> digest) {
        if (!digestReads || !tracker.isReplica(from) || tracker.hasResponded(from) || unresolved.containsKey(from) || fetching.containsKey(from)) {
            return Decision.NOTHING;
        }
        Siblings known = knownState(digest);
        if (known != null) {
            resolve(from, known);
            return decide();
        }
        unresolved.put(from, digest);
        if (!dataSettled) {
            return Decision.NOTHING;
        }
        boolean dataAnswered = settings.dataReplica().filter(tracker::hasSucceeded).isPresent();
        return with(Decision.NOTHING, List.of(), fetchUnresolved(), dataAnswered ? 1 : 0);
    }

    /** {@code from} could not serve the read, for {@code reason}: a stand-in takes its place if there is one. */
    public Decision onFailure(NodeId from, String reason) {
        if (!tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        unresolved.remove(from);
        fetching.remove(from);
        tracker.fail(from, reason);
        Optional<Target> standIn = Optional.ofNullable(spares.poll()).or(() -> placement.replace(from, healthy));
        standIn.ifPresent(target -> tracker.add(target.node()));
        List<NodeId> fetch = List.of();
        if (!dataSettled && settings.dataReplica().filter(from::equals).isPresent()) {
            dataSettled = true; // the data replica failed: the digests' replicas send their states instead
            fetch = fetchUnresolved();
        }
        return with(decide(), standIn.stream().toList(), fetch, 0);
    }

    /**
     * The hedge point passed: the spares are asked if the read has not answered (a target asked is
     * slow); and if the data replica has not answered, the digests stop waiting for it and their
     * replicas are asked for their states (Cassandra's speculative retry).
     */
    public Decision onHedge() {
        List<Target> ask = answered ? List.of() : askSpares();
        if (dataSettled) {
            return with(Decision.NOTHING, ask, List.of(), 0);
        }
        dataSettled = true;
        return with(Decision.NOTHING, ask, fetchUnresolved(), 0);
    }

    /** Every spare joins the read: an asked target is slow, so the read no longer waits on it alone. */
    private List<Target> askSpares() {
        List<Target> ask = List.copyOf(spares);
        spares.clear();
        ask.forEach(target -> tracker.add(target.node()));
        return ask;
    }

    /** The deadline passed: answer if not done yet, and finish with what was heard. */
    public Decision onTimeout() {
        Optional<ReadOutcome> answer = answered
                ? Optional.empty()
                : Optional.of(unavailable(true));
        answered = true;
        return new Decision(answer, List.of(), List.of(), 0, true, repairs());
    }

    /** {@code from}'s reply counts, standing for {@code state}. */
    private void resolve(NodeId from, Siblings state) {
        tracker.succeed(from);
        replies.put(from, state);
    }

    /** Resolves every waiting digest that equals a full state heard or the merge. */
    private void resolveDigests() {
        for (SortedMap<NodeId, Optional<MerkleHash>> waiting : List.of(unresolved, fetching)) {
            waiting.entrySet().removeIf(entry -> {
                Siblings known = knownState(entry.getValue());
                if (known == null) {
                    return false;
                }
                resolve(entry.getKey(), known);
                return true;
            });
        }
    }

    /** The full state (or merge) whose digest is {@code digest}, or null. */
    private Siblings knownState(Optional<MerkleHash> digest) {
        Siblings known = statesByDigest.get(digest);
        if (known == null && !mergedDigested && !replies.isEmpty()) {
            mergedDigested = true;
            Optional<MerkleHash> mergedDigest = settings.digester().apply(merged);
            statesByDigest.putIfAbsent(mergedDigest, merged);
            known = mergedDigest.equals(digest) ? merged : null;
        }
        return known;
    }

    /** Moves every unresolved digest to the fetched ones; returns their replicas, to ask for their states. */
    private List<NodeId> fetchUnresolved() {
        List<NodeId> fetch = List.copyOf(unresolved.keySet());
        fetching.putAll(unresolved);
        unresolved.clear();
        return fetch;
    }

    private static Decision with(Decision decided, List<Target> ask, List<NodeId> fetch, int mismatches) {
        return new Decision(decided.answer(), ask, fetch, mismatches, decided.finished(), decided.repairs());
    }

    private Decision decide() {
        Optional<ReadOutcome> answer = Optional.empty();
        if (!answered && tracker.status() != QuorumTracker.Status.PENDING) {
            answered = true;
            answer = Optional.of(tracker.status() == QuorumTracker.Status.SATISFIED
                    ? outcome(merged)
                    : unavailable(false));
        }
        boolean finished = tracker.allResponded();
        return new Decision(answer, List.of(), List.of(), 0, finished, finished ? repairs() : List.of());
    }

    /** The count, and why it is short: the failures, and preferred replicas left out with no stand-in (suspected, none healthy). */
    private ReadOutcome unavailable(boolean timedOut) {
        List<Shortfall.Refusal> refusals = new ArrayList<>(tracker.shortfall(timedOut).refusals());
        for (NodeId node : placement.preferred()) {
            boolean covered = placement.targets().stream().anyMatch(target -> target.owner().equals(node));
            if (!covered) {
                refusals.add(new Shortfall.Refusal(node, "suspected down by the failure detector, and no healthy node could stand in"));
            }
        }
        return new ReadOutcome.Unavailable(tracker.required(), tracker.acknowledged(), new Shortfall(timedOut, refusals));
    }

    /**
     * The planner's repairs of the resolved preferred replicas; then, at a deadline, the merge for
     * each preferred replica whose digest is still unresolved and differs from the merge's (the
     * grace for versions in flight cannot be judged without its state; merging is harmless).
     */
    private List<Repair> repairs() {
        SortedMap<NodeId, Siblings> preferred = new TreeMap<>(replies);
        preferred.keySet().retainAll(placement.preferred());
        List<Repair> repairs = new ArrayList<>(ReadRepairPlanner.plan(preferred, merged, settings.wallMillis()));
        SortedMap<NodeId, Optional<MerkleHash>> waiting = new TreeMap<>(unresolved);
        waiting.putAll(fetching);
        waiting.keySet().retainAll(placement.preferred());
        if (!waiting.isEmpty() && !merged.equals(Siblings.EMPTY)) {
            Optional<MerkleHash> mergedDigest = settings.digester().apply(merged);
            waiting.forEach((node, digest) -> {
                if (!digest.equals(mergedDigest)) {
                    repairs.add(new Repair(node, merged));
                }
            });
        }
        return repairs;
    }

    private static ReadOutcome outcome(Siblings merged) {
        return merged.hasLiveValue()
                ? new ReadOutcome.Found(merged.live(), merged.context())
                : new ReadOutcome.NotFound(merged.context());
    }
}
