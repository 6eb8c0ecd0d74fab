package io.kvorum.node.membership;

import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.gossip.GossipOutput;
import io.kvorum.gossip.GossipProtocol;
import io.kvorum.gossip.MemberInfo;
import io.kvorum.gossip.MemberState;
import io.kvorum.gossip.MemberView;
import io.kvorum.ring.Ring;
import io.kvorum.ring.TokenAllocator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Membership from gossip: the members, their status and phi as the {@link GossipProtocol} sees
 * them, and the ring built from the tokens they gossip.
 *
 * <p>Design note. The ring starts from the <em>bootstrap</em> members of the configuration (their
 * tokens follow deterministically from the member list's order), so a freshly started cluster routes
 * correctly before its first gossip round; gossiped tokens then take over member by member. A node
 * outside the bootstrap list joins through seeds: it gossips as JOINING without tokens until it has
 * learned the ring, then takes its tokens with the {@link TokenAllocator} (so ranges move only to it)
 * and announces itself UP; the caller persists those tokens so a restart keeps them. Members known
 * only from the bootstrap list, not yet heard from, are shown as down but still tried (a refused
 * connection fails a request at once anyway); a member the failure detector suspects is not.
 */
public final class GossipMembership implements Membership {
    private final GossipProtocol protocol;
    private final int vnodesPerNode;
    private final TokenAllocator allocator;
    private final SortedMap<NodeId, List<Long>> bootstrapTokens;
    private final Map<NodeId, BootstrapMember> bootstrap;
    private final boolean hasSeeds;
    private final int n;
    /** The dead member this node was started to replace ({@code cluster.replace}), if any. */
    private final Optional<NodeId> replacing;
    /** Bound on the addresses of not-yet-known senders remembered at once (peers name themselves). */
    private static final int ANSWER_ADDRESSES_MAX = 1024;
    /** Addresses gossip told us to answer at (a joiner's SYN names its own): needed before its state arrives. */
    private final Map<NodeId, String> answerAddresses = new TreeMap<>();
    /** Each other member's gossiped status and generation as last logged, to tell what a change was. */
    private final Map<NodeId, MemberState> lastSeen = new TreeMap<>();
    // Replaced whole by the owning thread, read by HTTP threads: volatile snapshots.
    private volatile Ring ring;
    private volatile List<Member> members;
    private volatile Optional<ChangePlan> plan = Optional.empty();

    /** A member of the configured bootstrap list: where it is and the tokens it starts with. */
    public record BootstrapMember(NodeId id, String internodeAddress, String httpAddress, List<Long> tokens) {}

    public GossipMembership(GossipProtocol protocol, int vnodesPerNode, TokenAllocator allocator,
                            List<BootstrapMember> bootstrapMembers, boolean hasSeeds) {
        this(protocol, vnodesPerNode, allocator, bootstrapMembers, hasSeeds, 3, Optional.empty());
    }

    /**
     * @param n the replication factor the plans' pending ranges are computed for
     * @param replacing the dead member whose tokens this node takes ({@code cluster.replace})
     */
    public GossipMembership(GossipProtocol protocol, int vnodesPerNode, TokenAllocator allocator,
                            List<BootstrapMember> bootstrapMembers, boolean hasSeeds, int n, Optional<NodeId> replacing) {
        this.protocol = protocol;
        this.n = n;
        this.replacing = replacing;
        this.vnodesPerNode = vnodesPerNode;
        this.allocator = allocator;
        this.hasSeeds = hasSeeds;
        this.bootstrapTokens = new TreeMap<>();
        this.bootstrap = new TreeMap<>();
        for (BootstrapMember m : bootstrapMembers) {
            bootstrap.put(m.id(), m);
            bootstrapTokens.put(m.id(), m.tokens());
        }
        refresh();
    }

    @Override
    public List<Member> members() {
        return members;
    }

    @Override
    public Ring ring() {
        return ring;
    }

    @Override
    public boolean isAlive(NodeId id) {
        return id.equals(protocol.self()) || protocol.member(id).isEmpty() || protocol.isAlive(id);
    }

    @Override
    public Optional<String> internodeAddress(NodeId id) {
        Optional<String> gossiped = protocol.member(id).map(state -> state.info().internodeAddress());
        if (gossiped.isPresent()) {
            return gossiped;
        }
        Optional<String> answer = Optional.ofNullable(answerAddresses.get(id));
        return answer.isPresent() ? answer : Optional.ofNullable(bootstrap.get(id)).map(BootstrapMember::internodeAddress);
    }

    @Override
    public Step tick(long nowMillis) {
        List<GossipOutput> outputs = new ArrayList<>(protocol.tick(nowMillis));
        Optional<TokensTaken> taken = maybeTakeTokens(nowMillis, outputs);
        refresh();
        boolean left = advanceChange(nowMillis, outputs);
        if (left) {
            return withLeft(step(outputs, taken));
        }
        Optional<TokensTaken> joined = maybeFinishJoin(nowMillis, outputs);
        return step(outputs, joined.isPresent() ? joined : taken);
    }

    @Override
    public List<NodeId> departed() {
        return protocol.state().members().stream().filter(state -> state.status() == io.kvorum.gossip.Status.REMOVED)
                .map(MemberState::id).toList();
    }

    @Override
    public Optional<ChangePlan> plan() {
        return plan;
    }

    @Override
    public boolean seenByAllLive(long planId) {
        for (MemberState state : protocol.state().members()) {
            boolean live = state.id().equals(protocol.self()) || protocol.isAlive(state.id());
            if (live && state.info().seenPlan() != planId) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Step streamed(long planId, long nowMillis) {
        MemberInfo own = protocol.member(protocol.self()).orElseThrow().info();
        return step(protocol.setPlans(own.seenPlan(), planId, nowMillis), Optional.empty());
    }

    @Override
    public ChangeRequest leave(long nowMillis) {
        MemberState own = protocol.member(protocol.self()).orElseThrow();
        if (own.status() == io.kvorum.gossip.Status.LEAVING) {
            return ChangeRequest.accepted("already leaving", Step.NONE);
        }
        Optional<ChangeRequest> refused = refuseChange(protocol.self());
        if (refused.isPresent()) {
            return refused.get();
        }
        if (own.status() != io.kvorum.gossip.Status.UP) {
            return ChangeRequest.refused("not_up", protocol.self() + " is " + own.status() + ", and only an UP node can leave");
        }
        Step step = step(protocol.setStatus(io.kvorum.gossip.Status.LEAVING, nowMillis), Optional.empty());
        return ChangeRequest.accepted(protocol.self() + " is leaving: its ranges stream to their new owners", step);
    }

    @Override
    public ChangeRequest remove(NodeId id, long nowMillis) {
        Optional<MemberState> state = protocol.member(id);
        if (state.isEmpty() || state.get().status() == io.kvorum.gossip.Status.REMOVED) {
            return ChangeRequest.refused("unknown_node", "no member " + id + " in this cluster");
        }
        if (state.get().status() == io.kvorum.gossip.Status.REMOVING) {
            return ChangeRequest.accepted("already being removed", Step.NONE);
        }
        if (id.equals(protocol.self())) {
            return ChangeRequest.refused("node_reachable", id + " is this node: ask it to leave instead (POST /cluster/leave)");
        }
        if (protocol.isAlive(id)) {
            return ChangeRequest.refused("node_reachable", id + " is reachable: ask it to leave instead (POST /cluster/leave"
                    + " on it), or stop it first");
        }
        Optional<ChangeRequest> refused = refuseChange(id);
        if (refused.isPresent()) {
            return refused.get();
        }
        Step step = step(protocol.startRemoving(id, nowMillis).outputs(), Optional.empty());
        return ChangeRequest.accepted(id + " is being removed: its ranges stream from the surviving replicas", step);
    }

    /** One change at a time, and never below N nodes: what a leave or remove of {@code leaving} must not break. */
    private Optional<ChangeRequest> refuseChange(NodeId leaving) {
        refresh();
        if (plan.isPresent()) {
            ChangePlan inFlight = plan.get();
            return Optional.of(ChangeRequest.refused("change_in_flight", "a " + inFlight.reason().wireName() + " of "
                    + inFlight.subject() + " is in flight; one membership change at a time (see GET /cluster/transfers)"));
        }
        if (ring.nodeCount() - 1 < n) {
            return Optional.of(ChangeRequest.refused("too_few_nodes", "without " + leaving + " the ring would have "
                    + (ring.nodeCount() - 1) + " nodes, fewer than the " + n + " replicas of every key (quorum.n)"));
        }
        return Optional.empty();
    }

    @Override
    public Step receive(NodeId from, GossipMessage message, long nowMillis) {
        return step(protocol.receive(from, message, nowMillis), Optional.empty());
    }

    /**
     * Only an UP node announces a clean shutdown: a joining or leaving node that stops keeps its
     * status, so the change resumes when it restarts instead of its tokens being taken for owned.
     */
    @Override
    public Step shutdown(long nowMillis) {
        if (protocol.member(protocol.self()).orElseThrow().status() != io.kvorum.gossip.Status.UP) {
            return Step.NONE;
        }
        return step(protocol.shutdown(nowMillis), Optional.empty());
    }

    /**
     * A joining node takes its tokens once it knows the ring and no other change is in flight (joins
     * queue), and keeps announcing JOINING while its ranges stream in. Alone, with no seeds, it owns
     * the whole ring at once: there is nothing to stream. A replacement takes the dead member's
     * tokens once it sees that member down.
     */
    private Optional<TokensTaken> maybeTakeTokens(long nowMillis, List<GossipOutput> outputs) {
        MemberState own = protocol.member(protocol.self()).orElseThrow();
        if (replacing.isPresent() && !own.info().tokens().isEmpty() && own.info().replaces().isEmpty()
                && own.status() == io.kvorum.gossip.Status.JOINING) {
            outputs.addAll(protocol.setReplaces(replacing.get(), nowMillis)); // a replacement restarted mid-way
        }
        if (!own.info().tokens().isEmpty() || (hasSeeds && ring.isEmpty()) || plan.isPresent()) {
            return Optional.empty();
        }
        if (ring.isEmpty()) {
            List<Long> tokens = allocator.allocate(ring, protocol.self(), vnodesPerNode);
            outputs.addAll(protocol.setTokens(tokens, nowMillis));
            outputs.addAll(protocol.setStatus(io.kvorum.gossip.Status.UP, nowMillis));
            return Optional.of(new TokensTaken(tokens, true));
        }
        List<Long> tokens;
        if (replacing.isPresent()) {
            NodeId dead = replacing.get();
            if (!ring.contains(dead) || protocol.member(dead).isEmpty() || protocol.isAlive(dead)) {
                return Optional.empty(); // not known yet, or still alive: a live node is never replaced
            }
            tokens = ring.tokensOf(dead);
            outputs.addAll(protocol.setReplaces(dead, nowMillis));
        } else {
            tokens = allocator.allocate(ring, protocol.self(), vnodesPerNode);
        }
        outputs.addAll(protocol.setTokens(tokens, nowMillis));
        return Optional.of(new TokensTaken(tokens, false));
    }

    /** A joining node whose ranges have all arrived takes ownership; a replacement also evicts the node it replaced. */
    private Optional<TokensTaken> maybeFinishJoin(long nowMillis, List<GossipOutput> outputs) {
        MemberState own = protocol.member(protocol.self()).orElseThrow();
        if (own.status() != io.kvorum.gossip.Status.JOINING || own.info().tokens().isEmpty() || plan.isEmpty()
                || own.info().streamedPlan() != plan.get().id()) {
            return Optional.empty();
        }
        outputs.addAll(protocol.setStatus(io.kvorum.gossip.Status.UP, nowMillis));
        own.info().replaces().ifPresent(dead -> outputs.addAll(protocol.remove(dead, nowMillis).outputs()));
        return Optional.of(new TokensTaken(own.info().tokens(), true));
    }

    /**
     * Announces the plan this node sees, and ends a leave or a removal whose new owners have all
     * streamed: a leaving node marks itself REMOVED (and returns true: its process should exit); a
     * removal is ended by the first live member in id order that is not part of it.
     */
    private boolean advanceChange(long nowMillis, List<GossipOutput> outputs) {
        MemberState own = protocol.member(protocol.self()).orElseThrow();
        long planId = plan.map(ChangePlan::id).orElse(0L);
        if (own.info().seenPlan() != planId) {
            outputs.addAll(protocol.setPlans(planId, own.info().streamedPlan(), nowMillis));
        }
        if (own.status() == io.kvorum.gossip.Status.LEAVING && plan.isPresent() && plan.get().subject().equals(protocol.self())
                && ring.nodeCount() - 1 < n) {
            // a leave that waited behind another change which left too few nodes for it: cancelled
            outputs.addAll(protocol.setStatus(io.kvorum.gossip.Status.UP, nowMillis));
            return false;
        }
        if (plan.isEmpty() || !allGainersStreamed(plan.get())) {
            return false;
        }
        ChangePlan current = plan.get();
        if (current.reason() == ChangePlan.Reason.LEAVE && current.subject().equals(protocol.self())) {
            outputs.addAll(protocol.setStatus(io.kvorum.gossip.Status.REMOVED, nowMillis));
            return true;
        }
        if (current.reason() == ChangePlan.Reason.REMOVE && isFinisher(current)) {
            outputs.addAll(protocol.remove(current.subject(), nowMillis).outputs());
        }
        return false;
    }

    private boolean allGainersStreamed(ChangePlan current) {
        for (NodeId gainer : current.gainers()) {
            Optional<MemberState> state = protocol.member(gainer);
            if (state.isEmpty() || state.get().info().streamedPlan() != current.id()) {
                return false;
            }
        }
        return true;
    }

    private boolean isFinisher(ChangePlan current) {
        for (MemberState state : protocol.state().members()) {
            boolean live = state.id().equals(protocol.self()) || protocol.isAlive(state.id());
            if (live && state.status() == io.kvorum.gossip.Status.UP && !state.id().equals(current.subject())) {
                return state.id().equals(protocol.self());
            }
        }
        return false;
    }

    private static Step withLeft(Step step) {
        return new Step(step.sends(), step.tokensTaken(), step.suspected(), step.events(), true);
    }

    private Step step(List<GossipOutput> outputs, Optional<TokensTaken> taken) {
        boolean evicted = false;
        List<Outgoing> sends = new ArrayList<>();
        List<NodeId> suspected = new ArrayList<>();
        List<MembershipEvent> events = new ArrayList<>();
        boolean changed = taken.isPresent();
        for (GossipOutput output : outputs) {
            switch (output) {
                case GossipOutput.Send send -> {
                    sends.add(new Outgoing(send.to(), send.message()));
                    if (protocol.member(send.to()).isEmpty() && answerAddresses.size() < ANSWER_ADDRESSES_MAX) {
                        answerAddresses.put(send.to(), send.internodeAddress());
                    } else {
                        answerAddresses.remove(send.to()); // known now: its gossiped address takes over
                    }
                }
                case GossipOutput.MemberChanged change when change.id().equals(protocol.self())
                        && change.change() == GossipOutput.Change.REMOVED -> evicted = true;
                case GossipOutput.MemberChanged change -> {
                    changed = true;
                    if (change.change() == GossipOutput.Change.SUSPECTED) {
                        suspected.add(change.id());
                    }
                    if (!change.id().equals(protocol.self())) {
                        event(change).ifPresent(events::add);
                    }
                }
            }
        }
        if (changed) {
            refresh();
        } else {
            refreshView();
        }
        if (evicted) {
            events.add(new MembershipEvent(protocol.self(), MembershipEvent.Kind.REMOVED, OptionalDouble.empty(), 0, 0, 0));
        }
        return sends.isEmpty() && taken.isEmpty() && suspected.isEmpty() && events.isEmpty() && !evicted
                ? Step.NONE : new Step(sends, taken, suspected, events, evicted);
    }

    /** What a change of another member means for the log, if anything (an address or token update means nothing). */
    private Optional<MembershipEvent> event(GossipOutput.MemberChanged change) {
        NodeId id = change.id();
        Optional<MemberState> now = protocol.member(id);
        MemberState before = now.isPresent() ? lastSeen.put(id, now.get()) : lastSeen.remove(id);
        if (now.isEmpty()) {
            return Optional.empty();
        }
        MemberState state = now.get();
        Optional<MembershipEvent.Kind> kind = switch (change.change()) {
            case DISCOVERED -> switch (state.status()) {
                case JOINING -> Optional.of(MembershipEvent.Kind.JOINING);
                case UP -> Optional.of(MembershipEvent.Kind.DISCOVERED);
                case LEAVING, DOWN, REMOVING, REMOVED -> Optional.empty();
            };
            case RESTARTED -> Optional.of(MembershipEvent.Kind.RESTARTED);
            case SUSPECTED -> Optional.of(MembershipEvent.Kind.DOWN);
            case RECOVERED -> Optional.of(MembershipEvent.Kind.UP);
            case REMOVED -> Optional.of(MembershipEvent.Kind.REMOVED);
            case UPDATED -> statusChange(before, state);
        };
        long previousGeneration = before == null ? state.generation() : before.generation();
        return kind.map(k -> new MembershipEvent(id, k, protocol.phi(id), state.generation(), previousGeneration,
                state.info().tokens().size()));
    }

    /** A status change within one generation: a joiner that took its tokens, or a clean shutdown. */
    private static Optional<MembershipEvent.Kind> statusChange(MemberState before, MemberState now) {
        if (before == null || before.status() == now.status()) {
            return Optional.empty();
        }
        if (now.status() == io.kvorum.gossip.Status.UP) {
            return Optional.of(before.status() == io.kvorum.gossip.Status.JOINING ? MembershipEvent.Kind.JOINED : MembershipEvent.Kind.UP);
        }
        return switch (now.status()) {
            case DOWN -> Optional.of(MembershipEvent.Kind.STOPPED);
            case LEAVING -> Optional.of(MembershipEvent.Kind.LEAVING);
            case REMOVING -> Optional.of(MembershipEvent.Kind.REMOVING);
            case JOINING, UP, REMOVED -> Optional.empty();
        };
    }

    private void refresh() {
        RingViews.Views views = RingViews.of(protocol.state(), bootstrapTokens, vnodesPerNode, n);
        ring = views.current();
        plan = views.plan();
        refreshView();
    }

    /** See {@link RingViews#withoutClaimedTwice}. */
    static SortedMap<NodeId, List<Long>> withoutClaimedTwice(SortedMap<NodeId, List<Long>> tokens) {
        return RingViews.withoutClaimedTwice(tokens);
    }

    /** Statuses and phi change every round even when the ring does not. */
    private void refreshView() {
        List<Member> view = new ArrayList<>();
        TreeMap<NodeId, Boolean> seen = new TreeMap<>();
        for (MemberView m : protocol.view()) {
            seen.put(m.id(), true);
            toApiStatus(m.status()).ifPresent(status ->
                    view.add(new Member(m.id(), m.internodeAddress(), m.httpAddress(), status, m.phi())));
        }
        for (BootstrapMember m : bootstrap.values()) {
            if (!seen.containsKey(m.id())) {
                view.add(new Member(m.id(), m.internodeAddress(), m.httpAddress(), Status.DOWN, OptionalDouble.empty()));
            }
        }
        view.sort((a, b) -> a.id().compareTo(b.id()));
        members = List.copyOf(view);
    }

    private static Optional<Membership.Status> toApiStatus(io.kvorum.gossip.Status status) {
        return switch (status) {
            case JOINING -> Optional.of(Membership.Status.JOINING);
            case UP -> Optional.of(Membership.Status.UP);
            case LEAVING -> Optional.of(Membership.Status.LEAVING);
            case DOWN, REMOVING -> Optional.of(Membership.Status.DOWN);
            case REMOVED -> Optional.empty();
        };
    }
}
