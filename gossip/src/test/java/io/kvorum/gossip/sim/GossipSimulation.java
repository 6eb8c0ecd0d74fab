package io.kvorum.gossip.sim;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipCodec;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.gossip.GossipMessage.GossipAck2;
import io.kvorum.gossip.GossipOutput;
import io.kvorum.gossip.GossipOutput.MemberChanged;
import io.kvorum.gossip.GossipOutput.Send;
import io.kvorum.gossip.GossipProtocol;
import io.kvorum.gossip.GossipSettings;
import io.kvorum.gossip.LocalMember;
import io.kvorum.gossip.MemberUpdate;
import io.kvorum.gossip.Seed;
import io.kvorum.gossip.Status;
import io.kvorum.gossip.fd.FailureDetectorSettings;
import io.kvorum.gossip.fd.PhiAccrualFailureDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A single-threaded discrete-event simulation of N {@link GossipProtocol}s over a simulated network
 * (per-message delay, loss, partitions) with crashes, restarts and process pauses. Everything derives
 * from one seed; every delivered message passes through {@link GossipCodec} and into a trace hash, so
 * the same seed must give the same hash.
 */
final class GossipSimulation {
    /** The network and protocol settings of a run. */
    record Config(long seed, GossipSettings gossip, FailureDetectorSettings detector,
                  long delayMinMillis, long delayMaxMillis, double lossProbability, int tokensPerNode) {}

    /** What happens at an instant to a node: its round timer fires, or a message arrives. */
    private sealed interface Action {
        record Tick(long incarnation) implements Action {}

        record Deliver(NodeId from, byte[] payload) implements Action {}
    }

    private record Event(long atMillis, long sequence, NodeId node, Action action) {}

    /** One simulated process. */
    private static final class SimNode {
        GossipProtocol protocol;
        PhiAccrualFailureDetector detector;
        long generation;
        long incarnation;
        boolean crashed;
        long pausedUntilMillis;
    }

    private final Config config;
    private final RandomGenerator network;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.atMillis() != b.atMillis()
            ? Long.compare(a.atMillis(), b.atMillis()) : Long.compare(a.sequence(), b.sequence()));
    private final TreeMap<NodeId, SimNode> nodes = new TreeMap<>();
    private final TreeMap<NodeId, Integer> partitionGroup = new TreeMap<>();
    private final List<Seed> seeds = new ArrayList<>();
    private BiConsumer<NodeId, MemberChanged> changeListener = (observer, change) -> { };
    private long nowMillis;
    private long sequence;
    private long traceHash = 0xcbf29ce484222325L;
    private long messagesSent;
    private long messagesDelivered;

    GossipSimulation(Config config) {
        this.config = config;
        this.network = RandomGeneratorFactory.of("L64X128MixRandom").create(config.seed());
    }

    static NodeId id(int index) {
        return NodeId.of(String.format("n%03d", index));
    }

    static String address(NodeId id) {
        return id.value() + ".sim:7000";
    }

    long nowMillis() {
        return nowMillis;
    }

    long traceHash() {
        return traceHash;
    }

    long messagesDelivered() {
        return messagesDelivered;
    }

    long messagesSent() {
        return messagesSent;
    }

    /** Receives every membership change with the node that observed it. */
    void onChange(BiConsumer<NodeId, MemberChanged> listener) {
        this.changeListener = listener;
    }

    void addSeed(NodeId id) {
        seeds.add(new Seed(id, address(id)));
    }

    /** Starts a node at the current time; its first round comes after a random phase. */
    void start(NodeId id, Status status) {
        SimNode node = nodes.computeIfAbsent(id, key -> new SimNode());
        Invariants.check(node.protocol == null || node.crashed, "%s is already running", id);
        node.generation++;
        node.incarnation++;
        node.crashed = false;
        List<Long> tokens = new ArrayList<>();
        RandomGenerator random = nodeRandom(id, node.generation);
        for (int i = 0; i < config.tokensPerNode(); i++) {
            tokens.add(random.nextLong());
        }
        LocalMember local = new LocalMember(id, address(id), id.value() + ".sim:8080", tokens, node.generation, status);
        node.detector = new PhiAccrualFailureDetector(config.detector());
        node.protocol = new GossipProtocol(local, seeds, config.gossip(), node.detector, random);
        schedule(nowMillis + network.nextLong(config.gossip().intervalMillis()), id, new Action.Tick(node.incarnation));
    }

    /** Gives every running node every other node's state at once, as if they had gossiped for a while. */
    void bootstrapFullView() {
        List<MemberUpdate> everyone = new ArrayList<>();
        for (SimNode node : nodes.values()) {
            everyone.add(node.protocol.member(node.protocol.self()).orElseThrow().toUpdate());
        }
        GossipAck2 all = new GossipAck2(everyone);
        for (var entry : nodes.entrySet()) {
            handle(entry.getKey(), entry.getValue().protocol.receive(entry.getKey().equals(id(0)) ? id(1) : id(0),
                    all, nowMillis));
        }
    }

    void crash(NodeId id) {
        nodes.get(id).crashed = true;
    }

    /** The node stops processing for {@code millis}; what arrives meanwhile waits (a GC pause). */
    void pause(NodeId id, long millis) {
        nodes.get(id).pausedUntilMillis = nowMillis + millis;
    }

    /** Splits the network: nodes talk only within their group; nodes not listed form group 0. */
    void partition(List<List<NodeId>> groups) {
        partitionGroup.clear();
        for (int g = 0; g < groups.size(); g++) {
            for (NodeId id : groups.get(g)) {
                partitionGroup.put(id, g + 1);
            }
        }
    }

    void heal() {
        partitionGroup.clear();
    }

    GossipProtocol protocol(NodeId id) {
        return nodes.get(id).protocol;
    }

    /** The detector inside {@code id}'s protocol, for measurements only. */
    PhiAccrualFailureDetector detector(NodeId id) {
        return nodes.get(id).detector;
    }

    boolean isRunning(NodeId id) {
        SimNode node = nodes.get(id);
        return node != null && !node.crashed;
    }

    /** Running nodes in id order. */
    List<NodeId> running() {
        return nodes.entrySet().stream().filter(e -> !e.getValue().crashed).map(e -> e.getKey()).toList();
    }

    /** Runs the node's local action now (an operator command, a status change) and carries out its outputs. */
    void act(NodeId id, Function<GossipProtocol, List<GossipOutput>> action) {
        handle(id, action.apply(nodes.get(id).protocol));
    }

    void runFor(long millis) {
        runUntil(() -> false, nowMillis + millis, millis);
    }

    /**
     * Runs events until {@code condition} holds (checked every {@code checkEveryMillis} of simulated
     * time) or {@code deadlineMillis} passes; returns the time the condition first held, or -1.
     */
    long runUntil(BooleanSupplier condition, long deadlineMillis, long checkEveryMillis) {
        long nextCheck = nowMillis;
        while (true) {
            if (nowMillis >= nextCheck) {
                if (condition.getAsBoolean()) {
                    return nowMillis;
                }
                nextCheck = nowMillis + checkEveryMillis;
            }
            Event next = queue.peek();
            long stop = Math.min(nextCheck, deadlineMillis);
            if (next == null || next.atMillis() > stop) {
                nowMillis = stop;
                if (stop >= deadlineMillis) {
                    return condition.getAsBoolean() ? nowMillis : -1;
                }
                continue;
            }
            queue.poll();
            nowMillis = next.atMillis();
            dispatch(next);
        }
    }

    private void dispatch(Event event) {
        SimNode node = nodes.get(event.node());
        if (node.crashed) {
            return;
        }
        if (event.atMillis() < node.pausedUntilMillis) {
            schedule(node.pausedUntilMillis, event.node(), event.action());
            return;
        }
        switch (event.action()) {
            case Action.Tick tick -> {
                if (tick.incarnation() == node.incarnation) {
                    handle(event.node(), node.protocol.tick(nowMillis));
                    schedule(nowMillis + config.gossip().intervalMillis(), event.node(), tick);
                }
            }
            case Action.Deliver deliver -> {
                if (!connected(deliver.from(), event.node())) {
                    return; // the partition began while the message was in flight
                }
                messagesDelivered++;
                GossipMessage message = GossipCodec.decode(deliver.payload());
                handle(event.node(), node.protocol.receive(deliver.from(), message, nowMillis));
            }
        }
    }

    private void handle(NodeId from, List<GossipOutput> outputs) {
        for (GossipOutput output : outputs) {
            switch (output) {
                case Send send -> send(from, send);
                case MemberChanged change -> changeListener.accept(from, change);
            }
        }
    }

    private void send(NodeId from, Send send) {
        Invariants.check(send.internodeAddress().equals(address(send.to())), "wrong address for %s", send.to());
        messagesSent++;
        byte[] payload = GossipCodec.encode(send.message());
        boolean lost = network.nextDouble() < config.lossProbability();
        long delay = network.nextLong(config.delayMinMillis(), config.delayMaxMillis() + 1);
        if (lost || !connected(from, send.to()) || !nodes.containsKey(send.to())) {
            return;
        }
        traceHash = mix(mix(mix(traceHash, nowMillis + delay), from.value().hashCode()), send.to().value().hashCode());
        for (byte b : payload) {
            traceHash = (traceHash ^ (b & 0xFF)) * 0x100000001b3L;
        }
        schedule(nowMillis + delay, send.to(), new Action.Deliver(from, payload));
    }

    private boolean connected(NodeId a, NodeId b) {
        return partitionGroup.getOrDefault(a, 0).equals(partitionGroup.getOrDefault(b, 0));
    }

    private void schedule(long atMillis, NodeId node, Action action) {
        queue.add(new Event(atMillis, sequence++, node, action));
    }

    private RandomGenerator nodeRandom(NodeId id, long generation) {
        long nodeSeed = mix(mix(config.seed(), id.value().hashCode()), generation);
        return RandomGeneratorFactory.of("L64X128MixRandom").create(nodeSeed);
    }

    private static long mix(long hash, long value) {
        long h = (hash ^ value) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 31);
    }
}
