package io.kvorum.node.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.ring.RingDiff.RangeChange;
import io.kvorum.ring.TokenAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Membership changes decided from gossip (issue 13), in pure code: real gossip memberships exchange
 * messages by hand under a scripted clock. Every node derives the same plan; joins queue; leave and
 * remove are refused while another change is in flight, below N nodes, or (remove) while the node
 * is reachable; a change completes only once the nodes that gain ranges say they have streamed them.
 */
class MembershipChangesTest {
    private static final int VNODES = 8;
    private static final int N = 3;
    private static final long ROUND_MILLIS = 1_000;
    private static final List<NodeId> BOOTSTRAP = ids(1, 2, 3);

    private final Ring ring = Ring.allocate(BOOTSTRAP, VNODES);
    private final Map<NodeId, GossipMembership> nodes = new TreeMap<>();
    private final Set<NodeId> silent = new HashSet<>();
    private final Set<NodeId> evicted = new HashSet<>();
    private long generation = 1;
    private long nowMillis = 1_000_000;

    @Test
    void aJoinerStreamsBeforeItOwnsAndEveryNodeSeesTheSamePlan() {
        BOOTSTRAP.forEach(this::startBootstrap);
        NodeId four = NodeId.of("node-4");
        startJoiner(four, Optional.empty());
        rounds(6);
        ChangePlan plan = samePlanEverywhere();
        assertEquals(ChangePlan.Reason.JOIN, plan.reason());
        assertEquals(four, plan.subject());
        assertEquals(List.of(four), plan.gainers(), "only the joiner gains ranges");
        assertFalse(nodes.get(NodeId.of("node-1")).ring().contains(four), "a joiner owns nothing before it has streamed");
        for (RangeChange change : plan.gainedBy(four)) {
            assertEquals(1, plan.sources(change).exact().size(), "a join streams each range from the one node that loses it");
            assertEquals(List.of(four), plan.pendingFor(change.range().endInclusive()), "writes of the range also go to the joiner");
        }
        assertTrue(nodes.values().stream().allMatch(m -> m.seenByAllLive(plan.id())), "every live member announces the plan");

        deliverAll(four, nodes.get(four).streamed(plan.id(), nowMillis));
        rounds(4);
        for (GossipMembership membership : nodes.values()) {
            assertTrue(membership.plan().isEmpty(), "the join is over everywhere");
            assertTrue(membership.ring().contains(four), "the joiner owns its tokens everywhere");
        }
    }

    @Test
    void aSecondJoinerWaitsUntilTheFirstIsUp() {
        BOOTSTRAP.forEach(this::startBootstrap);
        NodeId four = NodeId.of("node-4");
        NodeId five = NodeId.of("node-5");
        startJoiner(four, Optional.empty());
        rounds(4);
        startJoiner(five, Optional.empty());
        rounds(4);
        assertEquals(four, samePlanEverywhere().subject());
        assertFalse(nodes.get(NodeId.of("node-1")).members().stream()
                .anyMatch(m -> m.id().equals(five) && !m.status().equals(Membership.Status.JOINING)));
        deliverAll(four, nodes.get(four).streamed(samePlanEverywhere().id(), nowMillis));
        rounds(6);
        ChangePlan second = samePlanEverywhere();
        assertEquals(five, second.subject(), "the queued join goes next");
        assertTrue(second.current().contains(four));
    }

    @Test
    void leaveIsRefusedBelowNNodesAndWhileAnotherChangeIsInFlight() {
        BOOTSTRAP.forEach(this::startBootstrap);
        rounds(3);
        Membership.ChangeRequest tooFew = nodes.get(NodeId.of("node-2")).leave(nowMillis);
        assertEquals(Optional.of("too_few_nodes"), tooFew.refusal(), tooFew.message());

        startJoiner(NodeId.of("node-4"), Optional.empty());
        rounds(4);
        Membership.ChangeRequest busy = nodes.get(NodeId.of("node-2")).leave(nowMillis);
        assertEquals(Optional.of("change_in_flight"), busy.refusal(), busy.message());
        assertTrue(busy.message().contains("join of node-4"), busy.message());
    }

    @Test
    void aLeavingNodeIsGoneOnceEveryGainerHasStreamed() {
        BOOTSTRAP.forEach(this::startBootstrap);
        NodeId four = NodeId.of("node-4");
        startJoiner(four, Optional.empty());
        rounds(4);
        deliverAll(four, nodes.get(four).streamed(samePlanEverywhere().id(), nowMillis));
        rounds(4);

        NodeId two = NodeId.of("node-2");
        Membership.ChangeRequest leave = nodes.get(two).leave(nowMillis);
        assertTrue(leave.refusal().isEmpty(), leave.message());
        deliverAll(two, leave.step());
        rounds(3);
        ChangePlan plan = samePlanEverywhere();
        assertEquals(ChangePlan.Reason.LEAVE, plan.reason());
        assertFalse(plan.future().contains(two));
        for (RangeChange change : plan.diff().changes()) {
            assertEquals(List.of(two), plan.sources(change).exact(), "a leave streams from the leaving node");
        }
        List<NodeId> gainers = plan.gainers();
        for (int i = 0; i < gainers.size() - 1; i++) {
            deliverAll(gainers.get(i), nodes.get(gainers.get(i)).streamed(plan.id(), nowMillis));
        }
        rounds(3);
        assertTrue(nodes.get(NodeId.of("node-1")).ring().contains(two), "not gone while one gainer still streams");
        NodeId last = gainers.get(gainers.size() - 1);
        deliverAll(last, nodes.get(last).streamed(plan.id(), nowMillis));
        boolean left = false;
        for (int round = 0; round < 10 && !left; round++) {
            nowMillis += ROUND_MILLIS;
            for (NodeId id : List.copyOf(nodes.keySet())) {
                Membership.Step step = nodes.get(id).tick(nowMillis);
                left |= id.equals(two) && step.left();
                deliverAll(id, step);
            }
        }
        assertTrue(left, "the leaving node is told to exit once gossip says every gainer has its ranges");
        silent.add(two);
        rounds(3);
        assertFalse(nodes.get(NodeId.of("node-1")).ring().contains(two));
        assertTrue(nodes.get(NodeId.of("node-1")).plan().isEmpty());
    }

    @Test
    void removeIsRefusedWhileTheNodeIsReachableThenStreamsFromTheSurvivors() {
        BOOTSTRAP.forEach(this::startBootstrap);
        NodeId four = NodeId.of("node-4");
        startJoiner(four, Optional.empty());
        rounds(4);
        deliverAll(four, nodes.get(four).streamed(samePlanEverywhere().id(), nowMillis));
        rounds(4);
        GossipMembership one = nodes.get(NodeId.of("node-1"));
        NodeId three = NodeId.of("node-3");
        assertEquals(Optional.of("node_reachable"), one.remove(three, nowMillis).refusal());
        assertEquals(Optional.of("unknown_node"), one.remove(NodeId.of("node-9"), nowMillis).refusal());

        silent.add(three);
        for (int i = 0; i < 60 && one.isAlive(three); i++) {
            rounds(1);
        }
        Membership.ChangeRequest remove = one.remove(three, nowMillis);
        assertTrue(remove.refusal().isEmpty(), remove.message());
        deliverAll(NodeId.of("node-1"), remove.step());
        rounds(3);
        ChangePlan plan = samePlanEverywhere();
        assertEquals(ChangePlan.Reason.REMOVE, plan.reason());
        for (RangeChange change : plan.diff().changes()) {
            ChangePlan.Sources sources = plan.sources(change);
            assertTrue(sources.exact().isEmpty() && !sources.union().contains(three) && !sources.union().isEmpty(),
                    "a removed node's ranges come from every surviving replica: " + sources);
        }
        for (NodeId gainer : plan.gainers()) {
            deliverAll(gainer, nodes.get(gainer).streamed(plan.id(), nowMillis));
        }
        rounds(4);
        for (Map.Entry<NodeId, GossipMembership> node : nodes.entrySet()) {
            if (!node.getKey().equals(three)) {
                assertFalse(node.getValue().ring().contains(three), node.getKey() + " still has node-3 on its ring");
                assertTrue(node.getValue().members().stream().noneMatch(m -> m.id().equals(three)), "node-3 is listed no more");
            }
        }

        // Restarted by mistake on its old data: it learns it was removed, and is told to stop.
        silent.remove(three);
        generation = 2;
        startBootstrap(three);
        boolean stopped = false;
        for (int round = 0; round < 10 && !stopped; round++) {
            nowMillis += ROUND_MILLIS;
            for (NodeId id : List.copyOf(nodes.keySet())) {
                Membership.Step step = nodes.get(id).tick(nowMillis);
                stopped |= id.equals(three) && step.left();
                deliverAll(id, step);
                stopped |= evicted.contains(three);
            }
        }
        assertTrue(stopped, "a removed node that comes back stops instead of serving ranges that have new owners");
    }

    @Test
    void aReplacementTakesTheDeadNodesTokensAndEvictsIt() {
        BOOTSTRAP.forEach(this::startBootstrap);
        NodeId three = NodeId.of("node-3");
        rounds(3);
        silent.add(three);
        for (int i = 0; i < 60 && nodes.get(NodeId.of("node-1")).isAlive(three); i++) {
            rounds(1);
        }
        NodeId six = NodeId.of("node-6");
        startJoiner(six, Optional.of(three));
        rounds(8);
        ChangePlan plan = samePlanEverywhere();
        assertEquals(ChangePlan.Reason.REPLACE, plan.reason());
        assertEquals(List.of(six), plan.gainers());
        assertEquals(ring.tokensOf(three), plan.future().tokensOf(six), "the replacement takes the dead node's tokens");
        deliverAll(six, nodes.get(six).streamed(plan.id(), nowMillis));
        rounds(4);
        GossipMembership one = nodes.get(NodeId.of("node-1"));
        assertTrue(one.ring().contains(six) && !one.ring().contains(three));
        assertTrue(one.plan().isEmpty());
    }

    @Test
    void twoLeavesStartedAtOnceRunOneAfterTheOtherLowestIdFirst() {
        List<NodeId> five = ids(1, 2, 3, 4, 5);
        Ring bigRing = Ring.allocate(five, VNODES);
        five.forEach(id -> start(id, bigRing, five, bigRing.tokensOf(id), Status.UP, Optional.empty()));
        rounds(3);
        NodeId four = NodeId.of("node-4");
        NodeId two = NodeId.of("node-2");
        Membership.ChangeRequest first = nodes.get(four).leave(nowMillis);
        Membership.ChangeRequest second = nodes.get(two).leave(nowMillis); // before gossip told node-2 of node-4's
        assertTrue(first.refusal().isEmpty() && second.refusal().isEmpty());
        deliverAll(four, first.step());
        deliverAll(two, second.step());
        rounds(3);
        ChangePlan plan = samePlanEverywhere();
        assertEquals(two, plan.subject(), "the lower id goes first on every node");
        assertTrue(plan.future().contains(four), "the other leave waits: its node still owns its ranges after this change");
    }

    // ---- harness -------------------------------------------------------------------------------

    private ChangePlan samePlanEverywhere() {
        ChangePlan reference = null;
        for (Map.Entry<NodeId, GossipMembership> node : nodes.entrySet()) {
            if (silent.contains(node.getKey())) {
                continue;
            }
            ChangePlan plan = node.getValue().plan().orElseThrow(() -> new AssertionError(node.getKey() + " sees no plan"));
            if (reference == null) {
                reference = plan;
            }
            assertEquals(reference.id(), plan.id(), node.getKey() + " derived another plan");
        }
        return reference;
    }

    private void startBootstrap(NodeId id) {
        start(id, ring, BOOTSTRAP, ring.tokensOf(id), Status.UP, Optional.empty());
    }

    private void startJoiner(NodeId id, Optional<NodeId> replacing) {
        start(id, ring, List.of(), List.of(), Status.JOINING, replacing);
    }

    private void start(NodeId id, Ring bootstrapRing, List<NodeId> bootstrapIds, List<Long> tokens, Status status,
                       Optional<NodeId> replacing) {
        List<Seed> seeds = new ArrayList<>();
        for (NodeId member : nodes.keySet()) {
            if (!member.equals(id) && !silent.contains(member)) {
                seeds.add(new Seed(member, address(member)));
            }
        }
        for (NodeId member : bootstrapIds) {
            if (!member.equals(id) && !nodes.containsKey(member)) {
                seeds.add(new Seed(member, address(member)));
            }
        }
        GossipProtocol protocol = new GossipProtocol(new LocalMember(id, address(id), id.value() + ":8080", tokens, generation, status),
                seeds, GossipSettings.defaults(), new PhiAccrualFailureDetector(FailureDetectorSettings.defaults()),
                new SplittableRandom(id.hashCode()));
        List<BootstrapMember> bootstrap = new ArrayList<>();
        for (NodeId member : bootstrapIds) {
            bootstrap.add(new BootstrapMember(member, address(member), member.value() + ":8080", bootstrapRing.tokensOf(member)));
        }
        nodes.put(id, new GossipMembership(protocol, VNODES, new TokenAllocator(Murmur3Partitioner.INSTANCE, N), bootstrap,
                !seeds.isEmpty(), N, replacing));
    }

    private void rounds(int count) {
        for (int i = 0; i < count; i++) {
            nowMillis += ROUND_MILLIS;
            for (NodeId id : List.copyOf(nodes.keySet())) {
                if (!silent.contains(id)) {
                    deliverAll(id, nodes.get(id).tick(nowMillis));
                }
            }
        }
    }

    private void deliverAll(NodeId at, Membership.Step step) {
        ArrayDeque<Map.Entry<NodeId, Membership.Step>> pending = new ArrayDeque<>();
        pending.add(Map.entry(at, step));
        while (!pending.isEmpty()) {
            Map.Entry<NodeId, Membership.Step> next = pending.poll();
            if (next.getValue().left()) {
                evicted.add(next.getKey());
            }
            for (Membership.Outgoing out : next.getValue().sends()) {
                if (!silent.contains(out.to()) && nodes.containsKey(out.to())) {
                    pending.add(Map.entry(out.to(), nodes.get(out.to()).receive(next.getKey(), out.message(), nowMillis)));
                }
            }
        }
    }

    private static List<NodeId> ids(int... numbers) {
        List<NodeId> ids = new ArrayList<>();
        for (int number : numbers) {
            ids.add(NodeId.of("node-" + number));
        }
        return List.copyOf(ids);
    }

    private static String address(NodeId id) {
        return id.value() + ":9000";
    }
}
