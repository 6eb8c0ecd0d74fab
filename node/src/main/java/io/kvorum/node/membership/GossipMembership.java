package io.kvorum.node.membership;

import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.gossip.GossipOutput;
import io.kvorum.gossip.GossipProtocol;
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
    /** Bound on the addresses of not-yet-known senders remembered at once (peers name themselves). */
    private static final int ANSWER_ADDRESSES_MAX = 1024;
    /** Addresses gossip told us to answer at (a joiner's SYN names its own): needed before its state arrives. */
    private final Map<NodeId, String> answerAddresses = new TreeMap<>();
    /** Each other member's gossiped status and generation as last logged, to tell what a change was. */
    private final Map<NodeId, MemberState> lastSeen = new TreeMap<>();
    // Replaced whole by the owning thread, read by HTTP threads: volatile snapshots.
    private volatile Ring ring;
    private volatile List<Member> members;

    /** A member of the configured bootstrap list: where it is and the tokens it starts with. */
    public record BootstrapMember(NodeId id, String internodeAddress, String httpAddress, List<Long> tokens) {}

    public GossipMembership(GossipProtocol protocol, int vnodesPerNode, TokenAllocator allocator,
                            List<BootstrapMember> bootstrapMembers, boolean hasSeeds) {
        this.protocol = protocol;
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
        Optional<List<Long>> taken = maybeTakeTokens(nowMillis, outputs);
        return step(outputs, taken);
    }

    @Override
    public Step receive(NodeId from, GossipMessage message, long nowMillis) {
        return step(protocol.receive(from, message, nowMillis), Optional.empty());
    }

    @Override
    public Step shutdown(long nowMillis) {
        return step(protocol.shutdown(nowMillis), Optional.empty());
    }

    /** A joining node takes its tokens once it knows the ring (or at once when it is alone, with no seeds). */
    private Optional<List<Long>> maybeTakeTokens(long nowMillis, List<GossipOutput> outputs) {
        MemberState own = protocol.member(protocol.self()).orElseThrow();
        if (!own.info().tokens().isEmpty() || (hasSeeds && ring.isEmpty())) {
            return Optional.empty();
        }
        List<Long> tokens = allocator.allocate(ring, protocol.self(), vnodesPerNode);
        outputs.addAll(protocol.setTokens(tokens, nowMillis));
        outputs.addAll(protocol.setStatus(io.kvorum.gossip.Status.UP, nowMillis));
        return Optional.of(tokens);
    }

    private Step step(List<GossipOutput> outputs, Optional<List<Long>> taken) {
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
        return sends.isEmpty() && taken.isEmpty() && suspected.isEmpty() && events.isEmpty()
                ? Step.NONE : new Step(sends, taken, suspected, events);
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
                case LEAVING, DOWN, REMOVED -> Optional.empty();
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
        return now.status() == io.kvorum.gossip.Status.DOWN ? Optional.of(MembershipEvent.Kind.STOPPED) : Optional.empty();
    }

    private void refresh() {
        SortedMap<NodeId, List<Long>> tokens = new TreeMap<>(bootstrapTokens);
        for (MemberState state : protocol.state().members()) {
            List<Long> owned = state.info().tokens();
            if (state.info().status() == io.kvorum.gossip.Status.REMOVED) {
                tokens.remove(state.id());
            } else if (state.info().status().ownsTokens() && owned.size() == vnodesPerNode) {
                tokens.put(state.id(), owned);
            }
        }
        ring = Ring.fromTokens(withoutClaimedTwice(tokens), vnodesPerNode);
        refreshView();
    }

    /**
     * Gossip is outside input: two members may claim the same token (two nodes that joined at the
     * same moment allocate from the same ring). Ring building must not fail on that, on any node,
     * ever: the member first in id order keeps the token and a later claimant is left off the ring
     * (it still coordinates), the same decision on every node.
     */
    static SortedMap<NodeId, List<Long>> withoutClaimedTwice(SortedMap<NodeId, List<Long>> tokens) {
        Set<Long> claimed = new HashSet<>(); // lookups only
        SortedMap<NodeId, List<Long>> kept = new TreeMap<>();
        tokens.forEach((id, owned) -> {
            if (owned.stream().noneMatch(claimed::contains) && owned.stream().distinct().count() == owned.size()) {
                claimed.addAll(owned);
                kept.put(id, owned);
            }
        });
        return kept;
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
            case DOWN -> Optional.of(Membership.Status.DOWN);
            case REMOVED -> Optional.empty();
        };
    }
}
