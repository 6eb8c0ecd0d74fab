package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of everything one node knows about the cluster's members, ordered by id:
 * the gossiped state only (local suspicion lives in {@link GossipProtocol}). Swapped whole, never
 * changed; {@link #merge} and {@link #with} return new snapshots.
 */
public final class MembershipState {
    private static final MembershipState EMPTY = new MembershipState(new TreeMap<>());

    private final NavigableMap<NodeId, MemberState> members;

    private MembershipState(TreeMap<NodeId, MemberState> members) {
        this.members = Collections.unmodifiableNavigableMap(members);
    }

    public static MembershipState empty() {
        return EMPTY;
    }

    /** A snapshot of these states; ids must be distinct. */
    public static MembershipState of(Collection<MemberState> states) {
        TreeMap<NodeId, MemberState> map = new TreeMap<>();
        for (MemberState state : states) {
            MemberState previous = map.put(state.id(), state);
            Invariants.require(previous == null, "member %s listed twice", state.id());
        }
        return new MembershipState(map);
    }

    public Optional<MemberState> member(NodeId id) {
        return Optional.ofNullable(members.get(id));
    }

    public boolean contains(NodeId id) {
        return members.containsKey(id);
    }

    public int size() {
        return members.size();
    }

    /** Every member's state in id order (REMOVED tombstones included). */
    public List<MemberState> members() {
        return List.copyOf(members.values());
    }

    /** Every member id in order. */
    public List<NodeId> ids() {
        return List.copyOf(members.keySet());
    }

    /** One digest per member, in id order. */
    public List<Digest> digests() {
        List<Digest> digests = new ArrayList<>(members.size());
        for (MemberState state : members.values()) {
            digests.add(state.digest());
        }
        return List.copyOf(digests);
    }

    /** This snapshot with {@code state} in place of whatever was known of its member. */
    public MembershipState with(MemberState state) {
        TreeMap<NodeId, MemberState> copy = new TreeMap<>(members);
        copy.put(state.id(), state);
        return new MembershipState(copy);
    }

    /** This snapshot with {@code update} applied where it is newer ({@link MemberUpdate#applyTo}); this when it is not. */
    public MembershipState merge(MemberUpdate update) {
        return update.applyTo(member(update.id())).map(this::with).orElse(this);
    }

    /**
     * The tokens of every member that owns them (status UP, LEAVING or announced DOWN: a stopped node
     * still owns its ranges until it is removed), in id order: the input of {@code Ring.fromTokens}.
     */
    public SortedMap<NodeId, List<Long>> ringTokens() {
        TreeMap<NodeId, List<Long>> tokens = new TreeMap<>();
        for (MemberState state : members.values()) {
            if (state.status().ownsTokens()) {
                tokens.put(state.id(), state.info().tokens());
            }
        }
        return Collections.unmodifiableSortedMap(tokens);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MembershipState other && members.equals(other.members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    @Override
    public String toString() {
        return "MembershipState" + digests();
    }
}
