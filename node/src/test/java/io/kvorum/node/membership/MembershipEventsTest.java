package io.kvorum.node.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipProtocol;
import io.kvorum.gossip.GossipSettings;
import io.kvorum.gossip.LocalMember;
import io.kvorum.gossip.Seed;
import io.kvorum.gossip.Status;
import io.kvorum.gossip.fd.FailureDetectorSettings;
import io.kvorum.gossip.fd.PhiAccrualFailureDetector;
import io.kvorum.node.membership.GossipMembership.BootstrapMember;
import io.kvorum.node.membership.MembershipEvent.Kind;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.ring.TokenAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The membership changes a node logs (issue 19), decided from gossip in pure code: two real gossip
 * memberships exchange messages by hand under a scripted clock; node-1 sees node-2 first heard of,
 * convicted DOWN with its phi, restarted with a new generation, and stopped cleanly, each once.
 */
class MembershipEventsTest {
    private static final NodeId ONE = NodeId.of("node-1");
    private static final NodeId TWO = NodeId.of("node-2");
    private static final int VNODES = 4;
    private static final long ROUND_MILLIS = 1_000;

    private final Ring ring = Ring.allocate(List.of(ONE, TWO), VNODES);
    private final Map<NodeId, GossipMembership> nodes = new TreeMap<>();
    private final Map<NodeId, List<MembershipEvent>> events = new TreeMap<>();
    private long nowMillis = 1_000_000;
    private boolean twoKilled;

    @Test
    void eachChangeOfAMemberIsReportedOnceWithWhatTheLogNeeds() {
        start(ONE, 1);
        start(TWO, 1);
        rounds(5, List.of(ONE, TWO));
        assertEquals(List.of(Kind.DISCOVERED), kinds(ONE), "node-1 heard of node-2 once");
        assertEquals(List.of(Kind.DISCOVERED), kinds(TWO));
        assertEquals("node-2 is UP (first heard of, generation 1, " + VNODES + " tokens)", events.get(ONE).get(0).describe());

        // node-2 falls silent (killed): node-1's detector convicts it after a few rounds, once.
        twoKilled = true;
        for (int round = 0; round < 60 && !kinds(ONE).contains(Kind.DOWN); round++) {
            rounds(1, List.of(ONE));
        }
        rounds(5, List.of(ONE));
        assertEquals(List.of(Kind.DISCOVERED, Kind.DOWN), kinds(ONE), "convicted once, not again every round");
        MembershipEvent down = events.get(ONE).get(1);
        OptionalDouble phi = down.phi();
        assertTrue(phi.isPresent() && phi.getAsDouble() >= FailureDetectorSettings.defaults().threshold(), down::toString);
        assertTrue(down.describe().matches("node-2 is now DOWN \\(phi \\d+\\.\\d\\d\\)|node-2 is now DOWN \\(phi infinite\\)"),
                down::describe);

        // node-2 comes back as a new process: a higher generation.
        twoKilled = false;
        start(TWO, 2);
        rounds(3, List.of(ONE, TWO));
        assertEquals(List.of(Kind.DISCOVERED, Kind.DOWN, Kind.RESTARTED), kinds(ONE));
        assertEquals("node-2 restarted with a new generation 2 (was 1)", events.get(ONE).get(2).describe());

        // A clean stop is announced, and node-1 says so without waiting for phi.
        deliverAll(TWO, nodes.get(TWO).shutdown(nowMillis));
        assertEquals(List.of(Kind.DISCOVERED, Kind.DOWN, Kind.RESTARTED, Kind.STOPPED), kinds(ONE));
        assertEquals("node-2 is now DOWN (it announced a clean shutdown)", events.get(ONE).get(3).describe());
    }

    @Test
    void aJoinerIsReportedJoiningThenJoinedWithItsTokens() {
        MembershipEvent joining = new MembershipEvent(TWO, Kind.JOINING, OptionalDouble.of(0.1), 7, 7, 0);
        MembershipEvent joined = new MembershipEvent(TWO, Kind.JOINED, OptionalDouble.of(0.2), 7, 7, 128);
        MembershipEvent up = new MembershipEvent(TWO, Kind.UP, OptionalDouble.of(0.4321), 7, 7, 128);
        assertEquals("node-2 is joining the cluster (generation 7)", joining.describe());
        assertEquals("node-2 joined the cluster and is now UP with 128 tokens", joined.describe());
        assertEquals("node-2 is now UP (phi 0.43)", up.describe());
        assertEquals("node-2 is now DOWN (phi unknown)",
                new MembershipEvent(TWO, Kind.DOWN, OptionalDouble.empty(), 7, 7, 128).describe());
    }

    private void start(NodeId id, long generation) {
        NodeId other = id.equals(ONE) ? TWO : ONE;
        GossipProtocol protocol = new GossipProtocol(
                new LocalMember(id, address(id), id.value() + ":8080", ring.tokensOf(id), generation, Status.UP),
                List.of(new Seed(other, address(other))), GossipSettings.defaults(),
                new PhiAccrualFailureDetector(FailureDetectorSettings.defaults()), new SplittableRandom(generation * 31 + id.hashCode()));
        List<BootstrapMember> bootstrap = new ArrayList<>();
        for (NodeId member : List.of(ONE, TWO)) {
            bootstrap.add(new BootstrapMember(member, address(member), member.value() + ":8080", ring.tokensOf(member)));
        }
        nodes.put(id, new GossipMembership(protocol, VNODES, new TokenAllocator(Murmur3Partitioner.INSTANCE, 2), bootstrap, false));
        events.putIfAbsent(id, new ArrayList<>());
    }

    /** {@code count} gossip rounds, one second apart, of the nodes in {@code ticking}; the others stay silent. */
    private void rounds(int count, List<NodeId> ticking) {
        for (int i = 0; i < count; i++) {
            nowMillis += ROUND_MILLIS;
            for (NodeId id : ticking) {
                deliverAll(id, nodes.get(id).tick(nowMillis));
            }
        }
    }

    /** Records {@code step}'s events for {@code at} and delivers its messages (to ticking nodes only) until none are left. */
    private void deliverAll(NodeId at, Membership.Step step) {
        ArrayDeque<Map.Entry<NodeId, Membership.Step>> pending = new ArrayDeque<>();
        pending.add(Map.entry(at, step));
        while (!pending.isEmpty()) {
            Map.Entry<NodeId, Membership.Step> next = pending.poll();
            NodeId from = next.getKey();
            events.get(from).addAll(next.getValue().events());
            for (Membership.Outgoing out : next.getValue().sends()) {
                if (silent(out.to())) {
                    continue;
                }
                pending.add(Map.entry(out.to(), nodes.get(out.to()).receive(from, out.message(), nowMillis)));
            }
        }
    }

    /** Whether messages to {@code id} are lost: node-2 while it is killed. */
    private boolean silent(NodeId id) {
        return id.equals(TWO) && twoKilled;
    }

    private List<Kind> kinds(NodeId id) {
        return events.getOrDefault(id, List.of()).stream().map(MembershipEvent::kind).toList();
    }

    private static String address(NodeId id) {
        return id.value() + ":9000";
    }
}
