package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipMessage.GossipAck;
import io.kvorum.gossip.GossipMessage.GossipAck2;
import io.kvorum.gossip.GossipMessage.GossipSyn;
import io.kvorum.gossip.GossipOutput.Change;
import io.kvorum.gossip.GossipOutput.MemberChanged;
import io.kvorum.gossip.GossipOutput.Send;
import io.kvorum.gossip.fd.FailureDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The gossip membership state machine of one node, sans-I/O: ticks and messages in, messages and
 * membership changes out.
 *
 * <p><b>Design note.</b> Membership is eventually consistent state, spread by epidemic exchange [1, 2]:
 * <ul>
 *   <li><b>State.</b> Per member a {@link MemberState}: generation (bumped by every restart), heartbeat,
 *       and info (addresses, {@link Status}, tokens). The heartbeat and the info version come from one
 *       counter the member owns, so {@code (generation, maxVersion)} orders all knowledge of it and newer
 *       state wins; only the member itself writes its state (the one exception, an operator's removal
 *       tombstone, takes a higher generation to win). A node never adopts state about itself from others.</li>
 *   <li><b>Rounds.</b> Every {@code gossip.interval} the driver calls {@link #tick}: the node bumps its
 *       heartbeat, convicts members whose phi reached the threshold, and opens an exchange with
 *       {@code fanout} random live members, sometimes also an unreachable member and a seed
 *       ({@link PeerSelector}, Cassandra's rules [2]).</li>
 *   <li><b>Exchange.</b> SYN (digests) → ACK (newer states + requests) → ACK2 (requested states): a
 *       push-pull anti-entropy exchange [3], so news reaches all n nodes in O(log n) rounds. Digests,
 *       requests and updates are each bounded per message ({@link GossipSettings}).</li>
 *   <li><b>Failure detection.</b> A member's version advancing here is a heartbeat arrival for the
 *       phi-accrual detector [4, 5] (Cassandra's gossip-fed detector [2]; van Renesse's gossip-style
 *       heartbeats [6]): a member is suspected only when nobody has relayed news of it for long enough,
 *       so one broken link does not make a member look dead. Suspicion is local, never gossiped, and
 *       lifted by the next newer version. A new generation resets its history.</li>
 *   <li><b>No automatic eviction.</b> A member that stays down stays in the view (status DOWN) until an
 *       operator calls {@link #remove}: Dynamo §4.8 [1] argues that an outage rarely means a permanent
 *       departure, so it must not trigger rebalancing, and membership changes are explicit. The removal
 *       writes a REMOVED tombstone at generation + 1, which beats every state the member ever gossiped and
 *       so stops stale copies from resurrecting it; restarting the member (a new generation) is the
 *       explicit way back.</li>
 * </ul>
 * Failure behaviour: lost, duplicated, reordered or stale messages are harmless (merging keeps the
 * newer state; an exchange that breaks off is retried by a later round with another peer). A long pause
 * of this node convicts nobody (the detector's local-pause guard). A partition leaves each side
 * suspecting the other; the unreachable and seed probes reconnect them once it ends.
 *
 * <p>Not thread-safe: one owner (the node's event loop or the simulator's thread) calls every method.
 * Time is data ({@code nowMillis}, monotonic, never decreasing); randomness is the injected
 * {@link RandomGenerator}; queries answer as of the last input.
 *
 * <p>[1] DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store", SOSP 2007, §4.8.
 * [2] Apache Cassandra {@code org.apache.cassandra.gms.Gossiper} and {@code FailureDetector}.
 * [3] Demers et al., "Epidemic Algorithms for Replicated Database Maintenance", PODC 1987.
 * [4] Hayashibara et al., "The phi accrual failure detector", SRDS 2004.
 * [5] Akka/Pekko {@code PhiAccrualFailureDetector}.
 * [6] van Renesse, Minsky, Hayden, "A Gossip-Style Failure Detection Service", Middleware 1998.
 */
public final class GossipProtocol {
    private final NodeId self;
    private final List<Seed> seeds;
    private final FailureDetector detector;
    private final RandomGenerator random;
    private final PeerSelector selector;
    private final GossipRoundPlanner planner;
    private final TreeMap<NodeId, MemberState> members = new TreeMap<>();
    private final TreeSet<NodeId> suspected = new TreeSet<>();
    private long versionCounter;
    private long lastNowMillis = Long.MIN_VALUE;
    private MembershipState snapshot;

    /**
     * A node that knows only itself and its seeds.
     *
     * @param seeds seed members from configuration (this node may be one of them; it never gossips to itself)
     * @param detector owned by this protocol from now on: fed heartbeats as members' versions advance
     * @param random seeded by the composition root; all peer choice comes from it
     */
    public GossipProtocol(LocalMember local, List<Seed> seeds, GossipSettings settings, FailureDetector detector,
                          RandomGenerator random) {
        Invariants.require(local != null && seeds != null && settings != null && detector != null && random != null,
                "gossip protocol arguments must be set");
        this.self = local.id();
        this.seeds = seeds.stream().filter(seed -> !seed.id().equals(local.id())).distinct().toList();
        this.detector = detector;
        this.random = random;
        this.selector = new PeerSelector(settings);
        this.planner = new GossipRoundPlanner(settings);
        versionCounter = 1;
        MemberInfo info = new MemberInfo(local.internodeAddress(), local.httpAddress(), local.status(),
                local.tokens(), versionCounter);
        members.put(self, new MemberState(self, local.generation(), versionCounter, info));
    }

    /** One gossip round: bump the own heartbeat, convict silent members, open exchanges. */
    public List<GossipOutput> tick(long nowMillis) {
        advanceTime(nowMillis);
        detector.tick(nowMillis);
        MemberState me = members.get(self);
        put(me.withHeartbeat(++versionCounter));
        List<GossipOutput> out = new ArrayList<>();
        convict(nowMillis, out);
        List<NodeId> targets = selector.choose(aliveOthers(), unreachable(), seedIds(), random);
        if (!targets.isEmpty()) {
            GossipSyn syn = planner.syn(self, me.info().internodeAddress(), members, random);
            for (NodeId target : targets) {
                addressOf(target).ifPresent(address -> out.add(new Send(target, address, syn)));
            }
        }
        return List.copyOf(out);
    }

    /** Handles a message {@code from} a peer (as the transport attributed it). */
    public List<GossipOutput> receive(NodeId from, GossipMessage message, long nowMillis) {
        advanceTime(nowMillis);
        List<GossipOutput> out = new ArrayList<>();
        if (from.equals(self)) {
            return List.of();
        }
        switch (message) {
            case GossipSyn syn -> {
                GossipAck ack = planner.ack(self, members, syn, random);
                if (!ack.updates().isEmpty() || !ack.requests().isEmpty()) {
                    out.add(new Send(from, syn.senderInternodeAddress(), ack));
                }
            }
            case GossipAck ack -> {
                apply(ack.updates(), nowMillis, out);
                GossipAck2 ack2 = planner.ack2(members, ack.requests(), random);
                if (!ack2.updates().isEmpty()) {
                    addressOf(from).ifPresent(address -> out.add(new Send(from, address, ack2)));
                }
            }
            case GossipAck2 ack2 -> apply(ack2.updates(), nowMillis, out);
        }
        return List.copyOf(out);
    }

    /**
     * Announces a new status of this node. A status that is not running (DOWN: graceful shutdown;
     * REMOVED: left for good) is also pushed to every live member at once, since this node is about
     * to stop gossiping.
     */
    public List<GossipOutput> setStatus(Status status, long nowMillis) {
        advanceTime(nowMillis);
        MemberState me = members.get(self);
        if (me.status() == status) {
            return List.of();
        }
        MemberState updated = me.withInfo(me.info().withStatus(status, ++versionCounter));
        put(updated);
        List<GossipOutput> out = new ArrayList<>();
        out.add(new MemberChanged(self, Change.UPDATED, status));
        if (!status.isRunning()) {
            pushToAlive(updated.toUpdate(), out);
        }
        return List.copyOf(out);
    }

    /** Announces a graceful shutdown (status DOWN): peers mark this node down without waiting for phi. */
    public List<GossipOutput> shutdown(long nowMillis) {
        return setStatus(Status.DOWN, nowMillis);
    }

    /** Announces new tokens of this node (after a token move); they spread with the next rounds. */
    public List<GossipOutput> setTokens(List<Long> tokens, long nowMillis) {
        advanceTime(nowMillis);
        MemberState me = members.get(self);
        put(me.withInfo(me.info().withTokens(tokens, ++versionCounter)));
        return List.of(new MemberChanged(self, Change.UPDATED, me.status()));
    }

    /** Announces the change plans this node has seen and finished streaming for; they spread with the next rounds. */
    public List<GossipOutput> setPlans(long seenPlan, long streamedPlan, long nowMillis) {
        advanceTime(nowMillis);
        MemberState me = members.get(self);
        if (me.info().seenPlan() == seenPlan && me.info().streamedPlan() == streamedPlan) {
            return List.of();
        }
        put(me.withInfo(me.info().withPlans(seenPlan, streamedPlan, ++versionCounter)));
        return List.of(new MemberChanged(self, Change.UPDATED, me.status()));
    }

    /** Announces that this node replaces the dead member {@code replaced} (it takes that member's tokens). */
    public List<GossipOutput> setReplaces(NodeId replaced, long nowMillis) {
        advanceTime(nowMillis);
        MemberState me = members.get(self);
        put(me.withInfo(me.info().withReplaces(replaced, ++versionCounter)));
        return List.of(new MemberChanged(self, Change.UPDATED, me.status()));
    }

    /**
     * An operator starts removing a dead member (Cassandra's removenode): writes a REMOVING state at
     * the member's generation + 1, which keeps its tokens on the ring while the nodes that take its
     * ranges over stream them, and pushes it to live members. Refused as {@link #remove} refuses.
     */
    public Removal startRemoving(NodeId id, long nowMillis) {
        return evict(id, Status.REMOVING, nowMillis);
    }

    /**
     * An operator evicts a member that is down (Dynamo §4.8: explicit membership changes; nothing is
     * ever evicted automatically). Writes a REMOVED tombstone at the member's generation + 1 and pushes
     * it to live members. Refused for this node itself and for members seen alive.
     */
    public Removal remove(NodeId id, long nowMillis) {
        return evict(id, Status.REMOVED, nowMillis);
    }

    private Removal evict(NodeId id, Status status, long nowMillis) {
        advanceTime(nowMillis);
        MemberState state = members.get(id);
        if (id.equals(self)) {
            return new Removal(Removal.Outcome.SELF, List.of());
        } else if (state == null) {
            return new Removal(Removal.Outcome.UNKNOWN_MEMBER, List.of());
        } else if (state.status() == Status.REMOVED) {
            return new Removal(Removal.Outcome.ALREADY_REMOVED, List.of());
        } else if (isAlive(id)) {
            return new Removal(Removal.Outcome.STILL_ALIVE, List.of());
        }
        MemberState tombstone = new MemberState(id, state.generation() + 1, 0, state.info().withStatus(status, 0));
        put(tombstone);
        detector.remove(id);
        suspected.remove(id);
        List<GossipOutput> out = new ArrayList<>();
        out.add(new MemberChanged(id, status == Status.REMOVED ? Change.REMOVED : Change.UPDATED, status));
        pushToAlive(tombstone.toUpdate(), out);
        return new Removal(Removal.Outcome.REMOVED, out);
    }

    public NodeId self() {
        return self;
    }

    /** The gossiped state as an immutable snapshot (suspicion is not part of it). */
    public MembershipState state() {
        if (snapshot == null) {
            snapshot = MembershipState.of(members.values());
        }
        return snapshot;
    }

    /** The gossiped state of one member, if known. */
    public Optional<MemberState> member(NodeId id) {
        return Optional.ofNullable(members.get(id));
    }

    /** The local status of a member: DOWN while suspected, else what it gossips; empty when unknown. */
    public Optional<Status> status(NodeId id) {
        MemberState state = members.get(id);
        if (state == null) {
            return Optional.empty();
        }
        return Optional.of(suspected.contains(id) ? Status.DOWN : state.status());
    }

    /**
     * True when the coordinator may count on {@code id}: known, announcing a running status (JOINING,
     * UP, LEAVING) and not suspected by the failure detector. This node itself is alive while running.
     */
    public boolean isAlive(NodeId id) {
        MemberState state = members.get(id);
        return state != null && state.status().isRunning() && !suspected.contains(id);
    }

    /** True while the failure detector's conviction of {@code id} stands. */
    public boolean isSuspected(NodeId id) {
        return suspected.contains(id);
    }

    /** The phi of {@code id} as of the last input; empty for this node and members not monitored. */
    public OptionalDouble phi(NodeId id) {
        if (id.equals(self) || lastNowMillis == Long.MIN_VALUE) {
            return OptionalDouble.empty();
        }
        return detector.phi(id, lastNowMillis);
    }

    /** Every known member as seen now, in id order. */
    public List<MemberView> view() {
        List<MemberView> views = new ArrayList<>(members.size());
        for (MemberState state : members.values()) {
            MemberInfo info = state.info();
            views.add(new MemberView(state.id(), info.internodeAddress(), info.httpAddress(),
                    status(state.id()).orElseThrow(), isAlive(state.id()), phi(state.id()),
                    state.generation(), info.tokens()));
        }
        return List.copyOf(views);
    }

    private void apply(List<MemberUpdate> updates, long nowMillis, List<GossipOutput> out) {
        for (MemberUpdate update : updates) {
            if (!update.id().equals(self)) {
                applyOne(update, nowMillis, out);
            } else if (evictedBy(update)) {
                out.add(new MemberChanged(self, Change.REMOVED, Status.REMOVED));
            }
        }
    }

    /**
     * Whether {@code update} (about this node) is an operator's eviction newer than this process: the
     * node was removed while it was down, and must not serve the ranges that now have other owners.
     */
    private boolean evictedBy(MemberUpdate update) {
        MemberState me = members.get(self);
        return me.status() != Status.REMOVED && update.generation() > me.generation() && update.info().isPresent()
                && update.info().get().status() == Status.REMOVED;
    }

    /** Merges one update; a newer version of a member is a heartbeat arrival for the detector. */
    private void applyOne(MemberUpdate update, long nowMillis, List<GossipOutput> out) {
        NodeId id = update.id();
        MemberState old = members.get(id);
        Optional<MemberState> merged = update.applyTo(Optional.ofNullable(old));
        if (merged.isEmpty()) {
            return;
        }
        MemberState state = merged.get();
        put(state);
        if (state.status() == Status.REMOVED) {
            detector.remove(id);
            suspected.remove(id);
            if (old == null || old.status() != Status.REMOVED) {
                out.add(new MemberChanged(id, Change.REMOVED, Status.REMOVED));
            }
            return;
        }
        if (state.status() == Status.REMOVING) {
            // an operator's eviction in progress, not a heartbeat of the (dead) member
            detector.remove(id);
            suspected.remove(id);
            out.add(new MemberChanged(id, old == null ? Change.DISCOVERED : Change.UPDATED, Status.REMOVING));
            return;
        }
        boolean reborn = old == null || old.status() == Status.REMOVED;
        if (reborn || old.generation() < state.generation()) {
            if (!reborn) {
                detector.remove(id); // a new process: the old one's rhythm says nothing about it
                suspected.remove(id);
            }
            detector.heartbeat(id, nowMillis);
            out.add(new MemberChanged(id, reborn ? Change.DISCOVERED : Change.RESTARTED, state.status()));
            return;
        }
        detector.heartbeat(id, nowMillis);
        if (suspected.remove(id)) {
            out.add(new MemberChanged(id, Change.RECOVERED, state.status()));
        }
        if (state.info().version() > old.info().version()) {
            out.add(new MemberChanged(id, Change.UPDATED, status(id).orElseThrow()));
        }
    }

    /** Suspects every running member whose phi reached the threshold (unless the local-pause guard holds). */
    private void convict(long nowMillis, List<GossipOutput> out) {
        for (MemberState state : members.values()) {
            NodeId id = state.id();
            boolean candidate = !id.equals(self) && state.status().isRunning() && !suspected.contains(id);
            if (candidate && detector.shouldConvict(id, nowMillis)) {
                suspected.add(id);
                out.add(new MemberChanged(id, Change.SUSPECTED, Status.DOWN));
            }
        }
    }

    private void pushToAlive(MemberUpdate update, List<GossipOutput> out) {
        GossipAck2 push = new GossipAck2(List.of(update));
        for (NodeId peer : aliveOthers()) {
            out.add(new Send(peer, members.get(peer).info().internodeAddress(), push));
        }
    }

    private List<NodeId> aliveOthers() {
        List<NodeId> alive = new ArrayList<>();
        for (NodeId id : members.keySet()) {
            if (!id.equals(self) && isAlive(id)) {
                alive.add(id);
            }
        }
        return alive;
    }

    /** Suspected or stopped members (not removed ones): worth an occasional probe. */
    private List<NodeId> unreachable() {
        List<NodeId> unreachable = new ArrayList<>();
        for (MemberState state : members.values()) {
            if (!state.id().equals(self) && state.status() != Status.REMOVED && !isAlive(state.id())) {
                unreachable.add(state.id());
            }
        }
        return unreachable;
    }

    private List<NodeId> seedIds() {
        return seeds.stream().map(Seed::id).toList();
    }

    private Optional<String> addressOf(NodeId id) {
        MemberState state = members.get(id);
        if (state != null) {
            return Optional.of(state.info().internodeAddress());
        }
        return seeds.stream().filter(seed -> seed.id().equals(id)).map(Seed::internodeAddress).findFirst();
    }

    private void put(MemberState state) {
        members.put(state.id(), state);
        snapshot = null;
    }

    private void advanceTime(long nowMillis) {
        Invariants.check(lastNowMillis == Long.MIN_VALUE || nowMillis >= lastNowMillis,
                "time went backwards: %d after %d", nowMillis, lastNowMillis);
        lastNowMillis = nowMillis;
    }
}
