package io.kvorum.node.core;

import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.PatchOutcome;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.ValuePatch;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.node.runtime.LocalStorage;
import io.kvorum.node.runtime.StorageExecution;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.antientropy.AntiEntropySettings;
import io.kvorum.node.handoff.HandoffSettings;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.membership.StaticMembership;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.hint.MemoryHintStore;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Dot;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A deterministic, single-threaded cluster of {@link NodeCore}s for scripted tests: the test is the
 * network, the disk and the clock.
 *
 * <p>Every node has a {@link MemoryEngine} and a {@link StaticMembership} over one shared ring.
 * {@link Effect.Send}s wait in {@link #inFlight()} until the test delivers, drops, duplicates or
 * fails them; {@link Effect.Storage} runs at once through {@link StorageExecution#execute} unless storage
 * is {@link #holdStorage held}; {@link Effect.SetTimer}s fire only when the test advances the clock.
 * Inputs that follow from one test call (inline storage completions, refused sends) are handled in
 * FIFO order before the call returns. Each effect is checked against the core's promises (no send
 * to self, one reply per client request, no timer in the past) and a broken one fails the test.
 */
public final class ScriptedCluster {
    /** The deadline of a client request unless a test gives one. */
    public static final long TIMEOUT_MILLIS = 1_000;
    /** Wall time is monotonic time plus this, so version timestamps look like epoch millis. */
    public static final long WALL_OFFSET_MILLIS = 1_700_000_000_000L;
    private static final int VNODES = 16;
    private static final int MAX_ACTORS = Siblings.DEFAULT_MAX_ACTORS;

    /** How the network treats messages to a node. */
    public enum Reachability {
        /** Messages wait in flight for the test. */
        UP,
        /** The connection is refused: every send comes back to its sender as {@link Input.SendFailed}. */
        REFUSING,
        /** Messages vanish without a trace, as to a node that hangs. */
        SILENT
    }

    /** A message on its way from one node to another; {@code seq} orders all events of the cluster. */
    public record Envelope(long seq, NodeId from, NodeId to, PeerMessage message) {}

    /** A storage operation a node asked for, held until the test completes it. */
    public record PendingStorage(long seq, NodeId node, long operationId, StorageOp op) {}

    /** What a node answered a client: an {@link Effect.ReadReply} or {@link Effect.WriteReply}. */
    public record ClientReply(long seq, NodeId node, long clientRequestId, Effect effect, long atMillis) {}

    /** A version a coordinator's engine issued: its dot, value (empty for a tombstone) and the context it was written with. */
    public record IssuedVersion(long seq, NodeId node, Key key, Dot dot, Optional<Bytes> value, CausalContext clientContext) {}

    private record Timer(long atMillis, NodeId node, long timerId) {}

    private record Stepped(long atMillis, NodeId node, Input input) {
        @Override
        public String toString() {
            return "@" + atMillis + " " + node + " <- " + input;
        }
    }

    private record Work(NodeId node, Input input) {}

    private record ClientRequest(NodeId node, boolean read) {}

    private static final Comparator<Timer> TIMER_ORDER = Comparator.comparingLong(Timer::atMillis)
            .thenComparing(Timer::node).thenComparingLong(Timer::timerId);

    private final List<NodeId> nodes = new ArrayList<>();
    private final Ring ring;
    private final Map<NodeId, NodeCore> cores = new TreeMap<>();
    private final Map<NodeId, MemoryEngine> engines = new TreeMap<>();
    private final Map<NodeId, MemoryHintStore> hints = new TreeMap<>();
    private final Map<NodeId, Reachability> reachability = new TreeMap<>();
    /** Nodes whose storage fails, and the reason their failures give. */
    private final Map<NodeId, String> failingStorage = new TreeMap<>();
    private final List<Envelope> inFlight = new ArrayList<>();
    private final List<PendingStorage> pendingStorage = new ArrayList<>();
    private final TreeSet<Timer> timers = new TreeSet<>(TIMER_ORDER);
    private final Map<Long, ClientRequest> clientRequests = new HashMap<>();
    private final Map<Long, ClientReply> repliesById = new HashMap<>();
    private final List<ClientReply> replies = new ArrayList<>();
    private final List<IssuedVersion> issued = new ArrayList<>();
    private final List<Object> trace = new ArrayList<>(); // formatted only when a test fails
    private final ArrayDeque<Work> work = new ArrayDeque<>();
    private boolean holdStorage;
    private long nowMillis;
    private long seq;
    private long nextClientRequestId = 1;

    /** {@code nodeCount} nodes named {@code node-1}… joined in that order, replicating each key {@code n} times. */
    public ScriptedCluster(int nodeCount, int n) {
        this(nodeCount, n, KeyLimits.NONE);
    }

    /** As {@link #ScriptedCluster(int, int)}, every coordinator keeping keys within {@code keyLimits}. */
    public ScriptedCluster(int nodeCount, int n, KeyLimits keyLimits) {
        this(nodeCount, n, keyLimits, true);
    }

    /** As {@link #ScriptedCluster(int, int, KeyLimits)}, with digest reads on or off ({@code quorum.digest-reads}). */
    public ScriptedCluster(int nodeCount, int n, KeyLimits keyLimits, boolean digestReads) {
        this(nodeCount, n, keyLimits, digestReads, false);
    }

    /** As {@link #ScriptedCluster(int, int)}, every read asking every replica at once ({@code quorum.read-fanout: all}). */
    public static ScriptedCluster readingFromAll(int nodeCount, int n) {
        return new ScriptedCluster(nodeCount, n, KeyLimits.NONE, true, true);
    }

    private ScriptedCluster(int nodeCount, int n, KeyLimits keyLimits, boolean digestReads, boolean readFromAll) {
        for (int i = 1; i <= nodeCount; i++) {
            nodes.add(NodeId.of("node-" + i));
        }
        ring = Ring.allocate(nodes, VNODES);
        List<Membership.Member> members = new ArrayList<>();
        for (NodeId node : nodes) {
            members.add(new Membership.Member(node, node + ":7000", node + ":8080", Membership.Status.UP, OptionalDouble.empty()));
        }
        for (NodeId node : nodes) {
            NodeCoreSettings settings = new NodeCoreSettings(node, new Actor(node, 0), n, MAX_ACTORS, keyLimits,
                    HandoffSettings.defaults(), AntiEntropySettings.defaults()).withDigestReads(digestReads).withReadFromAll(readFromAll);
            cores.put(node, new NodeCore(settings, new StaticMembership(members, ring), Murmur3Partitioner.INSTANCE::token, CoreMetrics.NONE));
            engines.put(node, new MemoryEngine(Murmur3Partitioner.INSTANCE::token));
            hints.put(node, new MemoryHintStore(100_000));
            reachability.put(node, Reachability.UP);
        }
    }

    // ---- nodes and keys ----

    /** The nodes in join order. */
    public List<NodeId> nodes() {
        return List.copyOf(nodes);
    }

    /** The {@code index}-th node, from 0. */
    public NodeId node(int index) {
        return nodes.get(index);
    }

    /** The core of {@code node}, for inspection (drive it through this cluster only). */
    public NodeCore core(NodeId node) {
        return cores.get(node);
    }

    /** What {@code node}'s engine holds for {@code key}. */
    public Siblings state(NodeId node, Key key) {
        return engines.get(node).get(key);
    }

    /** The key's N replicas in preference order (every node shares one ring). */
    public List<NodeId> preferenceList(Key key) {
        return cores.get(nodes.get(0)).preferenceList(key);
    }

    /** The first key {@code prefix-0}, {@code prefix-1}, … whose preference list satisfies {@code placement}. */
    public Key key(String prefix, Predicate<List<NodeId>> placement) {
        for (int i = 0; i < 100_000; i++) {
            Key key = Key.of(prefix + "-" + i);
            if (placement.test(preferenceList(key))) {
                return key;
            }
        }
        throw new AssertionError("no key with prefix " + prefix + " has the wanted placement");
    }

    // ---- clients ----

    /** A client write of {@code value} (empty: a delete) at {@code node}; returns the client request id. */
    public long write(NodeId node, Key key, Optional<Bytes> value, Optional<CausalContext> context, int w, long timeoutMillis) {
        long id = clientRequest(node, false);
        input(node, new Input.ClientWrite(id, key, value, context, w, timeoutMillis, nowMillis + WALL_OFFSET_MILLIS));
        return id;
    }

    /** A client write of a UTF-8 {@code value} with the default deadline and an explicit quorum kind. */
    public long write(NodeId node, Key key, String value, Optional<CausalContext> context, int w, boolean sloppy) {
        long id = clientRequest(node, false);
        input(node, new Input.ClientWrite(id, key, Optional.of(Bytes.utf8(value)), context, w, sloppy, TIMEOUT_MILLIS,
                nowMillis + WALL_OFFSET_MILLIS));
        return id;
    }

    /** A client write of a UTF-8 {@code value} with the default deadline. */
    public long write(NodeId node, Key key, String value, Optional<CausalContext> context, int w) {
        return write(node, key, Optional.of(Bytes.utf8(value)), context, w, TIMEOUT_MILLIS);
    }

    /** A client delete with the default deadline. */
    public long delete(NodeId node, Key key, Optional<CausalContext> context, int w) {
        return write(node, key, Optional.empty(), context, w, TIMEOUT_MILLIS);
    }

    /** A client read at {@code node}; returns the client request id. */
    public long read(NodeId node, Key key, int r, long timeoutMillis) {
        long id = clientRequest(node, true);
        input(node, new Input.ClientGet(id, key, r, timeoutMillis));
        return id;
    }

    /** A client read with the default deadline. */
    public long read(NodeId node, Key key, int r) {
        return read(node, key, r, TIMEOUT_MILLIS);
    }

    /** A client PATCH at {@code node} with the default deadline; returns the client request id. */
    public long patch(NodeId node, Key key, ValuePatch patch, Optional<CausalContext> context, int r, int w) {
        long id = clientRequest(node, false);
        input(node, new Input.ClientPatch(id, key, patch, context, r, w, true, TIMEOUT_MILLIS, nowMillis + WALL_OFFSET_MILLIS));
        return id;
    }

    /** The answer to PATCH {@code id}; fails the test if there is none yet. */
    public PatchOutcome patchReply(long id) {
        return Optional.ofNullable(repliesById.get(id)).map(reply -> ((Effect.PatchReply) reply.effect()).outcome())
                .orElseThrow(() -> new AssertionError("patch " + id + " not answered yet"));
    }

    /** The answer to read {@code id}, if given yet. */
    public Optional<ReadOutcome> readOutcome(long id) {
        return Optional.ofNullable(repliesById.get(id)).map(reply -> ((Effect.ReadReply) reply.effect()).outcome());
    }

    /** The answer to write {@code id}, if given yet. */
    public Optional<WriteOutcome> writeOutcome(long id) {
        return Optional.ofNullable(repliesById.get(id)).map(reply -> ((Effect.WriteReply) reply.effect()).outcome());
    }

    /** The answer to read {@code id}; fails the test if there is none yet. */
    public ReadOutcome readReply(long id) {
        return readOutcome(id).orElseThrow(() -> new AssertionError("read " + id + " not answered yet"));
    }

    /** The answer to write {@code id}; fails the test if there is none yet. */
    public WriteOutcome writeReply(long id) {
        return writeOutcome(id).orElseThrow(() -> new AssertionError("write " + id + " not answered yet"));
    }

    /** Every client reply so far, in order. */
    public List<ClientReply> replies() {
        return List.copyOf(replies);
    }

    // ---- background protocols ----

    /** A periodic tick at {@code node}: gossip, hinted handoff and anti-entropy get their turn. */
    public void tick(NodeId node) {
        input(node, new Input.Tick(nowMillis + WALL_OFFSET_MILLIS));
    }

    /** How many hints {@code node} holds for {@code owner}. */
    public int hintCount(NodeId node, NodeId owner) {
        return hints.get(node).count(owner);
    }

    // ---- network ----

    /** How the network treats messages sent to {@code node} from now on (messages already in flight stay). */
    public void reachability(NodeId node, Reachability how) {
        reachability.put(node, how);
    }

    /** The messages in flight, oldest first. */
    public List<Envelope> inFlight() {
        return List.copyOf(inFlight);
    }

    /** The messages in flight that match, oldest first. */
    public List<Envelope> inFlight(Predicate<Envelope> which) {
        return inFlight.stream().filter(which).toList();
    }

    /** Hands {@code envelope} to its receiver, and everything that follows from it within the cluster. */
    public void deliver(Envelope envelope) {
        take(envelope);
        input(envelope.to(), new Input.PeerReceived(envelope.from(), envelope.message()));
    }

    /** Delivers the messages in flight now that match, oldest first (not the ones those deliveries send). */
    public void deliverWhere(Predicate<Envelope> which) {
        inFlight(which).forEach(this::deliver);
    }

    /** Loses {@code envelope}: nobody hears of it. */
    public void drop(Envelope envelope) {
        take(envelope);
        trace.add(List.of("drop", envelope));
    }

    /** Loses every message in flight that matches. */
    public void dropWhere(Predicate<Envelope> which) {
        inFlight(which).forEach(this::drop);
    }

    /** Puts a second copy of {@code envelope} in flight, behind everything else. */
    public void duplicate(Envelope envelope) {
        inFlight.add(new Envelope(++seq, envelope.from(), envelope.to(), envelope.message()));
        trace.add(List.of("duplicate", envelope));
    }

    /** The transport gives up on {@code envelope}: its sender gets {@link Input.SendFailed}. */
    public void failSend(Envelope envelope) {
        take(envelope);
        input(envelope.from(), new Input.SendFailed(envelope.to(), envelope.message()));
    }

    /** Delivers messages, oldest first, until none is in flight (replies and repairs included). */
    public void deliverAll() {
        while (!inFlight.isEmpty()) {
            deliver(inFlight.get(0));
        }
    }

    /** Delivers every message and completes every storage operation until nothing is left; no timer fires. */
    public void settle() {
        while (!inFlight.isEmpty() || !pendingStorage.isEmpty()) {
            deliverAll();
            completeAllStorage();
        }
    }

    // ---- storage ----

    /** While held, storage operations wait in {@link #pendingStorage()}; otherwise they complete at once. */
    public void holdStorage(boolean hold) {
        holdStorage = hold;
    }

    /** Storage operations of {@code node} fail with {@code reason} (say, the OS's "No space left on device") until cleared. */
    public void failStorage(NodeId node, String reason) {
        failingStorage.put(node, reason);
    }

    /** Storage operations of {@code node} fail (as an I/O error would) while {@code failing}. */
    public void failStorage(NodeId node, boolean failing) {
        if (failing) {
            failingStorage.put(node, "injected I/O error on " + node);
        } else {
            failingStorage.remove(node);
        }
    }

    /** The held storage operations, oldest first. */
    public List<PendingStorage> pendingStorage() {
        return List.copyOf(pendingStorage);
    }

    /** Runs a held operation against its node's engine now and feeds the result back. */
    public void completeStorage(PendingStorage pending) {
        if (!pendingStorage.remove(pending)) {
            throw new AssertionError("not pending: " + pending);
        }
        input(pending.node(), new Input.StorageDone(pending.operationId(), execute(pending.node(), pending.op())));
    }

    /** Completes every held storage operation, oldest first, including those their completions ask for. */
    public void completeAllStorage() {
        while (!pendingStorage.isEmpty()) {
            completeStorage(pendingStorage.get(0));
        }
    }

    /** Every version any coordinator's engine issued so far, in order. */
    public List<IssuedVersion> issued() {
        return List.copyOf(issued);
    }

    // ---- time ----

    /** The monotonic clock every node reads. */
    public long nowMillis() {
        return nowMillis;
    }

    /** Moves the clock forward, firing due timers in time order (the clock reads each timer's time as it fires). */
    public void advanceMillis(long millis) {
        long target = nowMillis + millis;
        while (!timers.isEmpty() && timers.first().atMillis() <= target) {
            Timer timer = timers.pollFirst();
            nowMillis = Math.max(nowMillis, timer.atMillis());
            input(timer.node(), new Input.TimerFired(timer.timerId()));
        }
        nowMillis = target;
    }

    /** Advances the clock until no timer is armed. */
    public void fireAllTimers() {
        while (!timers.isEmpty()) {
            advanceMillis(Math.max(0, timers.last().atMillis() - nowMillis));
        }
    }

    /** How many timers are set and not yet fired or cancelled. */
    public int timersArmed() {
        return timers.size();
    }

    /** The last {@code count} inputs and network events (each cut to 300 characters), for failure messages. */
    public String traceTail(int count) {
        return String.join("\n", trace.subList(Math.max(0, trace.size() - count), trace.size()).stream()
                .map(String::valueOf).map(line -> line.length() <= 300 ? line : line.substring(0, 300) + "…").toList());
    }

    /**
     * Delivers everything, fires every timer (deadlines, retries) and delivers what that caused, then
     * {@link #assertQuiescent}: what a test checks at its end, that it left nothing behind.
     */
    public void assertLeavesNothingBehind() {
        settle();
        fireAllTimers();
        settle();
        assertQuiescent();
    }

    /** Fails unless nothing is in flight, pending or armed, and no core has an operation left. */
    public void assertQuiescent() {
        List<String> left = new ArrayList<>();
        inFlight.forEach(e -> left.add("in flight: " + e));
        pendingStorage.forEach(p -> left.add("storage: " + p));
        timers.forEach(t -> left.add("timer: " + t));
        cores.forEach((node, core) -> {
            if (core.operationsInFlight() != 0) {
                left.add(node + " has " + core.operationsInFlight() + " operations");
            }
        });
        if (!left.isEmpty()) {
            throw new AssertionError("not quiescent:\n" + String.join("\n", left));
        }
    }

    // ---- the driver ----

    private long clientRequest(NodeId node, boolean read) {
        long id = nextClientRequestId++;
        clientRequests.put(id, new ClientRequest(node, read));
        return id;
    }

    private void take(Envelope envelope) {
        if (!inFlight.remove(envelope)) {
            throw new AssertionError("not in flight: " + envelope);
        }
    }

    /** Feeds {@code input} to {@code node}, then every input that follows from it, in FIFO order. */
    private void input(NodeId node, Input input) {
        work.add(new Work(node, input));
        if (work.size() > 1) {
            return; // called while draining: the loop below takes it
        }
        try {
            while (!work.isEmpty()) {
                Work next = work.peek();
                trace.add(new Stepped(nowMillis, next.node(), next.input()));
                for (Effect effect : cores.get(next.node()).step(next.input(), nowMillis)) {
                    carryOut(next.node(), effect);
                }
                work.poll();
            }
        } finally {
            work.clear(); // after a failure, the next call starts clean
        }
    }

    private void carryOut(NodeId node, Effect effect) {
        switch (effect) {
            case Effect.Send send -> send(node, send);
            case Effect.ReadReply reply -> reply(node, reply.clientRequestId(), effect, true);
            case Effect.WriteReply reply -> reply(node, reply.clientRequestId(), effect, false);
            case Effect.PatchReply reply -> reply(node, reply.clientRequestId(), effect, false);
            case Effect.SetTimer timer -> {
                check(timer.atMillis() >= nowMillis, "%s set timer %s in the past (now %d)", node, timer, nowMillis);
                check(timers.stream().noneMatch(t -> t.node().equals(node) && t.timerId() == timer.timerId()),
                        "%s set timer %d twice", node, timer.timerId());
                timers.add(new Timer(timer.atMillis(), node, timer.timerId()));
            }
            case Effect.CancelTimer cancel -> timers.removeIf(t -> t.node().equals(node) && t.timerId() == cancel.timerId());
            case Effect.PersistTokens persist -> check(false, "%s took tokens, but a static membership never does", node);
            case Effect.Disconnect disconnect -> check(false, "%s suspected %s, but a static membership never does", node, disconnect.peer());
            case Effect.PersistTransfers persist -> check(false, "%s received a transfer, but a static membership never changes", node);
            case Effect.AdminReply reply -> check(false, "%s answered an operator, but nobody asked", node);
            case Effect.Left left -> check(false, "%s left, but a static membership never changes", node);
            case Effect.Storage storage -> {
                if (holdStorage) {
                    pendingStorage.add(new PendingStorage(++seq, node, storage.operationId(), storage.operation()));
                } else {
                    work.add(new Work(node, new Input.StorageDone(storage.operationId(), execute(node, storage.operation()))));
                }
            }
        }
    }

    private void send(NodeId from, Effect.Send send) {
        check(!send.to().equals(from), "%s sent %s to itself", from, send.message());
        check(cores.containsKey(send.to()), "%s sent to unknown node %s", from, send.to());
        switch (reachability.get(send.to())) {
            case UP -> inFlight.add(new Envelope(++seq, from, send.to(), send.message()));
            case REFUSING -> work.add(new Work(from, new Input.SendFailed(send.to(), send.message())));
            case SILENT -> trace.add(List.of("lost", from, send));
        }
    }

    private void reply(NodeId node, long id, Effect effect, boolean read) {
        ClientRequest request = clientRequests.get(id);
        check(request != null, "%s answered unknown client request %d", node, id);
        check(request.node().equals(node) && request.read() == read, "%s answered %s with %s", node, request, effect);
        check(!repliesById.containsKey(id), "%s answered client request %d twice: %s, then %s", node, id, repliesById.get(id), effect);
        ClientReply reply = new ClientReply(++seq, node, id, effect, nowMillis);
        repliesById.put(id, reply);
        replies.add(reply);
        trace.add(reply);
    }

    private StorageResult execute(NodeId node, StorageOp op) {
        if (failingStorage.containsKey(node)) {
            return new StorageResult.Failed(failingStorage.get(node));
        }
        StorageResult result = StorageExecution.execute(new LocalStorage(engines.get(node), hints.get(node), Murmur3Partitioner.INSTANCE::token), op);
        if (op instanceof StorageOp.CoordinateWrite write && result instanceof StorageResult.Written written) {
            issued.add(new IssuedVersion(++seq, node, write.key(), written.version().dot(), write.value(), write.clientContext()));
        }
        return result;
    }

    private static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }
}
