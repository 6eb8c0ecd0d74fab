package io.kvorum.gossip;

import static io.kvorum.gossip.Fixtures.id;
import static io.kvorum.gossip.Fixtures.local;
import static io.kvorum.gossip.Fixtures.seed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipMessage.GossipAck;
import io.kvorum.gossip.GossipMessage.GossipAck2;
import io.kvorum.gossip.GossipMessage.GossipSyn;
import io.kvorum.gossip.GossipOutput.Change;
import io.kvorum.gossip.GossipOutput.MemberChanged;
import io.kvorum.gossip.GossipOutput.Send;
import io.kvorum.gossip.fd.PuppetFailureDetector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Scripted tests of one or a few protocols, with hand-driven failure detectors and time. */
class GossipProtocolTest {
    private static final NodeId A = id("a");
    private static final NodeId B = id("b");
    private static final NodeId C = id("c");

    /** A tiny synchronous network: sends are delivered in FIFO order by {@link #flush}. */
    private static final class Net {
        final TreeMap<NodeId, GossipProtocol> nodes = new TreeMap<>();
        final TreeMap<NodeId, PuppetFailureDetector> detectors = new TreeMap<>();
        final ArrayDeque<Object[]> inFlight = new ArrayDeque<>();
        final List<MemberChanged> changes = new ArrayList<>();

        GossipProtocol add(LocalMember local, List<Seed> seeds) {
            PuppetFailureDetector detector = new PuppetFailureDetector();
            GossipProtocol protocol = new GossipProtocol(local, seeds, GossipSettings.defaults(), detector,
                    Fixtures.random(local.id().value().hashCode()));
            nodes.put(local.id(), protocol);
            detectors.put(local.id(), detector);
            return protocol;
        }

        void take(NodeId from, List<GossipOutput> outputs) {
            for (GossipOutput output : outputs) {
                switch (output) {
                    case Send send -> inFlight.add(new Object[] {from, send});
                    case MemberChanged change -> changes.add(change);
                }
            }
        }

        void flush(long nowMillis) {
            while (!inFlight.isEmpty()) {
                Object[] next = inFlight.poll();
                Send send = (Send) next[1];
                GossipProtocol to = nodes.get(send.to());
                if (to != null) {
                    take(send.to(), to.receive((NodeId) next[0], send.message(), nowMillis));
                }
            }
        }

        void round(long nowMillis) {
            for (var entry : nodes.entrySet()) {
                take(entry.getKey(), entry.getValue().tick(nowMillis));
            }
            flush(nowMillis);
        }
    }

    @Test
    void aNewNodeSynsASeedWithItsOwnDigestAndAddress() {
        GossipProtocol a = new GossipProtocol(local("a", 1, Status.JOINING), List.of(seed("b")),
                GossipSettings.defaults(), new PuppetFailureDetector(), Fixtures.random(1));
        List<GossipOutput> out = a.tick(1000);
        assertEquals(1, out.size());
        Send send = assertInstanceOf(Send.class, out.getFirst());
        assertEquals(B, send.to());
        assertEquals("b.test:7000", send.internodeAddress());
        GossipSyn syn = assertInstanceOf(GossipSyn.class, send.message());
        assertEquals("a.test:7000", syn.senderInternodeAddress());
        assertEquals(List.of(a.member(A).orElseThrow().digest()), syn.digests());
        assertTrue(syn.complete());
        assertEquals(2, syn.digests().getFirst().maxVersion(), "the tick bumped the heartbeat");
    }

    @Test
    void threeWayExchangeTeachesBothSides() {
        Net net = new Net();
        GossipProtocol a = net.add(local("a", 1, Status.JOINING), List.of(seed("b")));
        GossipProtocol b = net.add(local("b", 1, Status.UP), List.of(seed("b")));
        List<GossipOutput> syn = a.tick(1000);
        List<GossipOutput> ack = b.receive(A, ((Send) syn.getFirst()).message(), 1010);
        GossipAck ackMessage = assertInstanceOf(GossipAck.class, ((Send) ack.getFirst()).message());
        assertEquals("a.test:7000", ((Send) ack.getFirst()).internodeAddress(), "answered at the SYN's address");
        assertEquals(List.of(B), ackMessage.updates().stream().map(MemberUpdate::id).toList(), "b's own state, unasked");
        assertEquals(List.of(Digest.unknown(A)), ackMessage.requests());
        List<GossipOutput> ack2 = a.receive(B, ackMessage, 1020);
        assertTrue(ack2.contains(new MemberChanged(B, Change.DISCOVERED, Status.UP)));
        GossipAck2 ack2Message = (GossipAck2) ack2.stream().filter(Send.class::isInstance).map(o -> ((Send) o).message())
                .findFirst().orElseThrow();
        assertTrue(b.receive(A, ack2Message, 1030).contains(new MemberChanged(A, Change.DISCOVERED, Status.JOINING)));
        assertEquals(List.of(A, B), a.state().ids());
        assertEquals(a.state(), b.state());
        assertEquals(List.of("heartbeat a @1030"), net.detectors.get(B).calls(), "discovery is the first heartbeat");
    }

    @Test
    void heartbeatOnlyChangesTravelWithoutTheInfo() {
        Net net = new Net();
        GossipProtocol a = net.add(local("a", 1, Status.UP), List.of(seed("b")));
        GossipProtocol b = net.add(local("b", 1, Status.UP), List.of(seed("b")));
        net.round(1000);
        net.round(2000);
        assertEquals(a.state(), b.state());
        List<GossipOutput> syn = a.tick(3000);
        Send toB = (Send) syn.stream().filter(o -> o instanceof Send s && s.to().equals(B)).findFirst().orElseThrow();
        GossipAck ack = (GossipAck) ((Send) b.receive(A, toB.message(), 3000).getFirst()).message();
        assertEquals(List.of(b.member(A).orElseThrow().digest()), ack.requests());
        GossipAck2 ack2 = (GossipAck2) ((Send) a.receive(B, ack, 3000).getFirst()).message();
        assertEquals(Optional.empty(), ack2.updates().getFirst().info(), "only the heartbeat changed");
        b.receive(A, ack2, 3000);
        assertEquals(a.member(A), b.member(A));
    }

    @Test
    void duplicateAndStaleMessagesChangeNothing() {
        Net net = new Net();
        GossipProtocol a = net.add(local("a", 1, Status.UP), List.of(seed("b")));
        GossipProtocol b = net.add(local("b", 1, Status.UP), List.of(seed("b")));
        net.round(1000);
        GossipAck2 old = new GossipAck2(List.of(a.member(A).orElseThrow().toUpdate()));
        net.round(2000);
        net.round(3000);
        MembershipState before = b.state();
        assertEquals(List.of(), b.receive(A, old, 3100));
        assertEquals(List.of(), b.receive(A, old, 3200));
        assertEquals(before, b.state());
    }

    @Test
    void aRestartedMemberIsTheSameMemberWithAFreshHistory() {
        Net net = new Net();
        net.add(local("a", 1, Status.UP), List.of(seed("b")));
        GossipProtocol b = net.add(local("b", 1, Status.UP), List.of(seed("b")));
        net.round(1000);
        net.round(2000);
        GossipProtocol restarted = net.add(local("a", 2, Status.UP), List.of(seed("b")));
        net.round(3000);
        net.round(4000);
        assertEquals(2, b.member(A).orElseThrow().generation());
        assertTrue(net.changes.contains(new MemberChanged(A, Change.RESTARTED, Status.UP)));
        List<String> calls = net.detectors.get(B).calls();
        assertTrue(calls.contains("remove a"), calls.toString());
        assertEquals(1, b.state().size() - 1, "still one other member");
        assertEquals(restarted.member(A), b.member(A));
    }

    @Test
    void convictionMarksDownLocallyAndANewerHeartbeatRecovers() {
        Net net = new Net();
        GossipProtocol a = net.add(local("a", 1, Status.UP), List.of(seed("b")));
        GossipProtocol b = net.add(local("b", 1, Status.UP), List.of(seed("b")));
        net.round(1000);
        net.detectors.get(B).markDown(A);
        List<GossipOutput> out = b.tick(2000);
        assertTrue(out.contains(new MemberChanged(A, Change.SUSPECTED, Status.DOWN)));
        assertEquals(Optional.of(Status.DOWN), b.status(A));
        assertFalse(b.isAlive(A));
        assertTrue(b.isSuspected(A));
        assertEquals(Status.UP, b.member(A).orElseThrow().status(), "suspicion is not gossiped state");
        assertEquals(PuppetFailureDetector.DOWN_PHI, b.phi(A).getAsDouble());
        net.detectors.get(B).markUp(A);
        net.take(A, a.tick(3000));
        net.flush(3000);
        assertTrue(net.changes.contains(new MemberChanged(A, Change.RECOVERED, Status.UP)));
        assertTrue(b.isAlive(A));
    }

    @Test
    void localPauseGuardHoldsConvictions() {
        Net net = new Net();
        net.add(local("a", 1, Status.UP), List.of(seed("b")));
        GossipProtocol b = net.add(local("b", 1, Status.UP), List.of(seed("b")));
        net.round(1000);
        net.detectors.get(B).markDown(A);
        net.detectors.get(B).holdConvictions(true);
        assertTrue(b.tick(2000).stream().noneMatch(MemberChanged.class::isInstance));
        assertTrue(b.isAlive(A));
    }

    @Test
    void stateAboutThisNodeFromOthersIsNeverAdoptedButANewerEvictionIsReported() {
        GossipProtocol a = new GossipProtocol(local("a", 1, Status.UP), List.of(), GossipSettings.defaults(),
                new PuppetFailureDetector(), Fixtures.random(1));
        MemberState older = new MemberState(A, 1, 99, Fixtures.info(Status.REMOVED, 99));
        assertEquals(List.of(), a.receive(B, new GossipAck2(List.of(older.toUpdate())), 50), "not newer than this process");
        MemberState up = new MemberState(A, 9, 99, Fixtures.info(Status.UP, 99));
        assertEquals(List.of(), a.receive(B, new GossipAck2(List.of(up.toUpdate())), 60));
        MemberState eviction = new MemberState(A, 9, 99, Fixtures.info(Status.REMOVED, 99));
        assertEquals(List.of(new MemberChanged(A, Change.REMOVED, Status.REMOVED)),
                a.receive(B, new GossipAck2(List.of(eviction.toUpdate())), 100), "an operator removed this node while it was down");
        assertEquals(1, a.member(A).orElseThrow().generation());
        assertEquals(Optional.of(Status.UP), a.status(A));
    }

    @Test
    void statusChangesSpreadAndShutdownIsPushedToLivePeers() {
        Net net = new Net();
        GossipProtocol a = net.add(local("a", 1, Status.JOINING), List.of(seed("b")));
        GossipProtocol b = net.add(local("b", 1, Status.UP), List.of(seed("b")));
        GossipProtocol c = net.add(local("c", 1, Status.UP), List.of(seed("b")));
        for (long t = 1000; t <= 4000; t += 1000) {
            net.round(t);
        }
        net.take(A, a.setStatus(Status.UP, 4500));
        net.round(5000);
        net.round(6000);
        assertEquals(Status.UP, c.member(A).orElseThrow().status());
        List<GossipOutput> out = a.shutdown(6500);
        assertEquals(List.of(B, C), out.stream().filter(Send.class::isInstance).map(o -> ((Send) o).to()).toList());
        net.take(A, out);
        net.flush(6500);
        assertEquals(Optional.of(Status.DOWN), b.status(A));
        assertFalse(c.isAlive(A));
        assertTrue(c.state().ringTokens().containsKey(A), "a stopped node keeps its ranges");
    }

    @Test
    void removalIsExplicitRefusedForLiveMembersAndSpreadsAsATombstone() {
        Net net = new Net();
        GossipProtocol a = net.add(local("a", 1, Status.UP), List.of(seed("b")));
        GossipProtocol b = net.add(local("b", 1, Status.UP), List.of(seed("b")));
        GossipProtocol c = net.add(local("c", 1, Status.UP), List.of(seed("b")));
        for (long t = 1000; t <= 4000; t += 1000) {
            net.round(t);
        }
        assertEquals(Removal.Outcome.SELF, b.remove(B, 4100).outcome());
        assertEquals(Removal.Outcome.UNKNOWN_MEMBER, b.remove(id("zz"), 4100).outcome());
        assertEquals(Removal.Outcome.STILL_ALIVE, b.remove(A, 4100).outcome());
        MemberState lastOfA = a.member(A).orElseThrow();
        net.nodes.remove(A); // a crashes
        net.detectors.get(B).markDown(A);
        net.detectors.get(C).markDown(A);
        for (long t = 5000; t <= 86_400_000L; t += 3_600_000L) {
            net.round(t); // a whole day down: nothing evicts it automatically
        }
        assertTrue(b.state().contains(A));
        assertEquals(Optional.of(Status.DOWN), b.status(A));
        Removal removal = b.remove(A, 86_500_000L);
        assertEquals(Removal.Outcome.REMOVED, removal.outcome());
        net.take(B, removal.outputs());
        net.flush(86_500_000L);
        assertEquals(Status.REMOVED, c.member(A).orElseThrow().status());
        assertEquals(2, c.member(A).orElseThrow().generation());
        assertFalse(c.state().ringTokens().containsKey(A));
        assertEquals(List.of(), c.receive(B, new GossipAck2(List.of(lastOfA.toUpdate())), 86_600_000L),
                "a stale copy does not resurrect it");
        assertEquals(Removal.Outcome.ALREADY_REMOVED, c.remove(A, 86_600_000L).outcome());
        net.add(local("a", 3, Status.UP), List.of(seed("b")));
        net.round(86_700_000L);
        net.round(86_701_000L);
        assertEquals(Status.UP, c.member(A).orElseThrow().status(), "restarting it is the explicit way back");
    }

    @Test
    void boundsCutDigestsAndUpdates() {
        GossipSettings tight = new GossipSettings(1000, 1, 0, 0, 3, 2);
        GossipProtocol a = new GossipProtocol(local("a", 1, Status.UP), List.of(seed("b")), tight,
                new PuppetFailureDetector(), Fixtures.random(5));
        List<MemberUpdate> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.add(new MemberState(id("m" + i), 1, 1, Fixtures.info(Status.UP, 1)).toUpdate());
        }
        a.receive(B, new GossipAck2(many), 10);
        GossipSyn syn = (GossipSyn) ((Send) a.tick(1000).getFirst()).message();
        assertEquals(3, syn.digests().size());
        assertFalse(syn.complete());
        assertEquals(A, syn.digests().getFirst().id(), "the own digest is always offered");
        GossipAck ack = (GossipAck) ((Send) a.receive(id("new"), new GossipSyn("new:1", List.of(), true), 1100)
                .getFirst()).message();
        assertEquals(2, ack.updates().size());
    }

    @Test
    void timeMustNotGoBackwards() {
        GossipProtocol a = new GossipProtocol(local("a", 1, Status.UP), List.of(), GossipSettings.defaults(),
                new PuppetFailureDetector(), Fixtures.random(1));
        a.tick(1000);
        assertThrows(IllegalStateException.class, () -> a.tick(999));
    }

    @Test
    void viewCombinesGossipedStateAndSuspicion() {
        Net net = new Net();
        GossipProtocol a = net.add(local("a", 1, Status.UP), List.of(seed("b")));
        net.add(local("b", 1, Status.UP), List.of(seed("b")));
        net.round(1000);
        net.detectors.get(A).markDown(B);
        a.tick(2000);
        List<MemberView> view = a.view();
        assertEquals(List.of(A, B), view.stream().map(MemberView::id).toList());
        assertTrue(view.get(0).alive());
        assertTrue(view.get(0).phi().isEmpty(), "no phi for oneself");
        assertEquals(Status.DOWN, view.get(1).status());
        assertFalse(view.get(1).alive());
        assertEquals("b.test:8080", view.get(1).httpAddress());
    }
}
