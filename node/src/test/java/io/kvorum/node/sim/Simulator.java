package io.kvorum.node.sim;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.core.Effect;
import io.kvorum.node.core.Input;
import io.kvorum.node.runtime.LocalStorage;
import io.kvorum.node.runtime.StorageExecution;
import io.kvorum.node.core.StorageRunner;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.antientropy.AntiEntropySettings;
import io.kvorum.node.handoff.HandoffSettings;
import io.kvorum.node.core.NodeCore;
import io.kvorum.node.core.NodeCoreSettings;
import io.kvorum.node.protocol.PatchOutcome;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.ValuePatch;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.node.membership.Membership;
import io.kvorum.gossip.GossipProtocol;
import io.kvorum.gossip.GossipSettings;
import io.kvorum.gossip.LocalMember;
import io.kvorum.gossip.Seed;
import io.kvorum.gossip.Status;
import io.kvorum.gossip.fd.FailureDetectorSettings;
import io.kvorum.gossip.fd.PhiAccrualFailureDetector;
import io.kvorum.node.membership.GossipMembership;
import io.kvorum.node.transfer.TransferSettings;
import io.kvorum.ring.TokenAllocator;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessageCodec;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.hint.MemoryHintStore;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A deterministic simulation of a Kvorum cluster in one thread (FoundationDB/TigerBeetle style):
 * the real {@link NodeCore}s, a simulated network that delays, drops, duplicates and reorders
 * messages and partitions nodes, simulated disks with latency, skewed clocks, and crashes, restarts
 * and pauses. Everything random derives from one seed, so a run is replayed exactly from it; a
 * rolling hash of every event (the trace hash) proves it.
 *
 * <p>Events are ordered by (time, sequence number), the sequence breaking ties in the order they
 * were scheduled. A crashed node loses its core (its in-flight requests, timers and unfinished disk
 * writes) but keeps its disk: storage operations apply when they complete, as with a sync-on-write
 * engine, and run through the runtime's {@code StorageExecution}, a coordinated write reporting
 * visible first and durable a random delay later (the production path); except on the one lossy node, whose disk is synced periodically (the {@code interval}
 * policy) and goes back to its last sync when it crashes. A restarted node takes a new actor epoch,
 * as the real node does. Nodes run hinted handoff and anti-entropy as configured.
 */
public final class Simulator {
    private record Scheduled(long atMillis, long seq, String label, Runnable action) {}

    private static final Comparator<Scheduled> ORDER =
            Comparator.comparingLong(Scheduled::atMillis).thenComparingLong(Scheduled::seq);

    private final long seed;
    private final SimConfig config;
    private final SplittableRandom random;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(ORDER);
    private final Map<NodeId, SimNode> nodes = new TreeMap<>();
    private static final int VNODES = 16;
    /** The largest value the simulated network's codec accepts: the HTTP API's default bound. */
    private static final int VALUE_BYTES_MAX = 1 << 20;

    private final List<GossipMembership.BootstrapMember> bootstrap = new ArrayList<>();
    private final SimTrace trace = new SimTrace(400);
    private final PeerMessageCodec codec = new PeerMessageCodec(VALUE_BYTES_MAX);
    private final SimInvariants invariants = new SimInvariants();
    private final Map<NodeId, Integer> partitionSide = new TreeMap<>();
    private long nowMillis;
    private long seq;
    private boolean calm;

    public Simulator(long seed, SimConfig config) {
        this.seed = seed;
        this.config = config;
        this.random = new SplittableRandom(seed);
        List<NodeId> ids = new ArrayList<>();
        for (int i = 1; i <= config.nodeCount(); i++) {
            ids.add(NodeId.of("node-" + i));
        }
        Ring ring = Ring.allocate(ids, VNODES);
        for (NodeId id : ids) {
            bootstrap.add(new GossipMembership.BootstrapMember(id, "sim-" + id + ":1", "sim-" + id + ":2", ring.tokensOf(id)));
        }
        NodeId lossy = config.lossyNode() ? ids.get(random.nextInt(ids.size())) : null;
        for (NodeId id : ids) {
            long skew = config.maxClockSkewMillis() == 0 ? 0 : random.nextLong(-config.maxClockSkewMillis(), config.maxClockSkewMillis() + 1);
            SimNode node = new SimNode(id, new MemoryEngine(Murmur3Partitioner.INSTANCE::token), new MemoryHintStore(HINTS_PER_OWNER),
                    id.equals(lossy), skew);
            node.tokens = ring.tokensOf(id);
            node.core = newCore(node);
            nodes.put(id, node);
            startTicking(node);
            if (node.lossy) {
                startSyncing(node);
            }
        }
    }

    /** What the cores reported over the whole run, summed over nodes. */
    public static final class Counts implements CoreMetrics {
        public long hintsStored;
        public long hintsRefused;
        public long hintsDelivered;
        public long readRepairs;
        public long antiEntropyKeysRepaired;
        public long rangesCompared;
        public long transferKeys;
        public long transferBytes;
        public long keysPurged;

        @Override
        public void hintStored(NodeId owner) {
            hintsStored++;
        }

        @Override
        public void hintRefused(NodeId owner) {
            hintsRefused++;
        }

        @Override
        public void hintsDelivered(NodeId owner, int count) {
            hintsDelivered += count;
        }

        @Override
        public void readRepairsSent(int count) {
            readRepairs += count;
        }

        @Override
        public void antiEntropyKeysRepaired(NodeId peer, int keys) {
            antiEntropyKeysRepaired += keys;
        }

        @Override
        public void antiEntropyCompared(int ranges, int inSync) {
            rangesCompared += ranges;
        }

        @Override
        public void transferBatch(NodeId source, int keys, long bytes) {
            transferKeys += keys;
            transferBytes += bytes;
        }

        @Override
        public void keysPurged(int keys) {
            keysPurged += keys;
        }

        @Override
        public String toString() {
            return "hints stored " + hintsStored + ", refused " + hintsRefused + ", delivered " + hintsDelivered
                    + "; read repairs " + readRepairs + "; anti-entropy ranges compared " + rangesCompared
                    + ", keys repaired " + antiEntropyKeysRepaired + "; transfers received " + transferKeys + " keys ("
                    + transferBytes + " bytes), cleanup purged " + keysPurged;
        }
    }

    private final Counts counts = new Counts();

    public Counts counts() {
        return counts;
    }

    /** How many hints a node holds for one owner: as the real default, far more than a run writes. */
    private static final int HINTS_PER_OWNER = 100_000;

    /** Which owners each node keeps hints for, and how many, for failure reports. */
    public String hintsByOwner() {
        StringBuilder out = new StringBuilder();
        for (SimNode node : nodes.values()) {
            for (NodeId owner : node.hints.owners()) {
                out.append(node.id).append(node.gone ? " (gone)" : "").append(" holds ").append(node.hints.count(owner))
                        .append(" for ").append(owner).append(nodes.get(owner) != null && nodes.get(owner).gone ? " (gone)" : "").append("; ");
            }
        }
        return out.toString();
    }

    /** What every node's disk holds for {@code key}, for failure reports. */
    public String storedEverywhere(Key key) {
        StringBuilder out = new StringBuilder();
        for (SimNode node : nodes.values()) {
            Siblings state = node.disk.get(key);
            out.append(node.id).append(node.gone ? "(gone)" : "").append('=')
                    .append(state.isEmpty() ? "-" : state.siblings().size() + " siblings").append(' ');
        }
        return out.toString();
    }

    /** The hints of every node that is not gone for good (a gone node's disk went with it), summed: zero once handoff has delivered everything. */
    public long hintsPending() {
        return nodes.values().stream().filter(node -> !node.gone).mapToLong(node -> node.hints.total()).sum();
    }

    public long seed() {
        return seed;
    }

    public SimConfig config() {
        return config;
    }

    public long nowMillis() {
        return nowMillis;
    }

    public SplittableRandom random() {
        return random;
    }

    /** The nodes that are members (or on their way in): every node but those stopped for good. */
    public List<NodeId> nodeIds() {
        return nodes.values().stream().filter(node -> !node.gone).map(node -> node.id).toList();
    }

    /** Whether {@code id} has left the cluster or was killed for good. */
    public boolean isGone(NodeId id) {
        return nodes.get(id).gone;
    }

    /** Whether {@code id} holds every range of its tokens (false while a joiner or replacement streams). */
    public boolean hasJoined(NodeId id) {
        return nodes.get(id).joined;
    }

    /** The membership change in flight as {@code observer} sees it. */
    public Optional<io.kvorum.node.membership.ChangePlan> plan(NodeId observer) {
        return nodes.get(observer).membership.plan();
    }

    /** The ring as {@code observer} sees it. */
    public Ring ring(NodeId observer) {
        return nodes.get(observer).membership.ring();
    }

    /** The invariants checked as events happen. */
    SimInvariants invariants() {
        return invariants;
    }

    public SimTrace trace() {
        return trace;
    }

    /** The key's N replicas, as {@code node} sees the ring. */
    public List<NodeId> preferenceList(NodeId node, Key key) {
        return nodes.get(node).core.preferenceList(key);
    }

    /** How {@code observer} sees the members now. */
    public List<Membership.Member> members(NodeId observer) {
        return nodes.get(observer).membership.members();
    }

    /** What {@code node}'s disk holds for {@code key}. */
    public Siblings stored(NodeId node, Key key) {
        return nodes.get(node).disk.get(key);
    }

    // ---- running -----------------------------------------------------------------------------

    /** Runs {@code action} at simulated time now + {@code delayMillis}. */
    public void schedule(long delayMillis, String label, Runnable action) {
        queue.add(new Scheduled(nowMillis + Math.max(0, delayMillis), seq++, label, action));
    }

    /** Processes every event due up to {@code untilMillis}, then sets the clock there. */
    public void runUntil(long untilMillis) {
        while (!queue.isEmpty() && queue.peek().atMillis() <= untilMillis) {
            Scheduled next = queue.poll();
            nowMillis = next.atMillis();
            trace.record(nowMillis, next.label());
            next.action().run();
        }
        nowMillis = Math.max(nowMillis, untilMillis);
    }

    // ---- clients -----------------------------------------------------------------------------

    /** A client read at {@code coordinator}; {@code done} gets the answer (never, if the node crashes first). */
    public void read(NodeId coordinator, Key key, int r, Consumer<ReadOutcome> done) {
        read(coordinator, key, r, true, done);
    }

    /** A client read, sloppy or strict (only the key's N replicas count). */
    public void read(NodeId coordinator, Key key, int r, boolean sloppy, Consumer<ReadOutcome> done) {
        SimNode node = nodes.get(coordinator);
        long id = node.nextClientRequestId++;
        node.reads.put(id, done);
        input(node, node.incarnation, new Input.ClientGet(id, key, r, sloppy, config.requestTimeoutMillis()), "get " + key);
    }

    /** A client write (empty value: delete) at {@code coordinator}. */
    public void write(NodeId coordinator, Key key, Optional<Bytes> value, Optional<CausalContext> context, int w,
                      Consumer<WriteOutcome> done) {
        write(coordinator, key, value, context, w, true, done);
    }

    /** A client write, sloppy or strict (only the key's N replicas count towards W). */
    public void write(NodeId coordinator, Key key, Optional<Bytes> value, Optional<CausalContext> context, int w, boolean sloppy,
                      Consumer<WriteOutcome> done) {
        SimNode node = nodes.get(coordinator);
        long id = node.nextClientRequestId++;
        node.writes.put(id, done);
        node.writeKeys.put(id, key);
        input(node, node.incarnation, new Input.ClientWrite(id, key, value, context, w, sloppy, config.requestTimeoutMillis(),
                node.wallMillis(nowMillis)), "put " + key);
    }

    /** A client PATCH at {@code coordinator}, with R and W as configured and no context. */
    public void patch(NodeId coordinator, Key key, ValuePatch patch, Consumer<PatchOutcome> done) {
        SimNode node = nodes.get(coordinator);
        long id = node.nextClientRequestId++;
        node.patches.put(id, done);
        node.writeKeys.put(id, key);
        input(node, node.incarnation, new Input.ClientPatch(id, key, patch, Optional.empty(), config.r(),
                config.w(), true, config.requestTimeoutMillis(), node.wallMillis(nowMillis)), "patch " + key);
    }

    /** How many distinct keys the members' disks hold. */
    public long distinctKeysStored() {
        java.util.Set<Key> keys = new java.util.HashSet<>(); // counting only
        for (SimNode node : nodes.values()) {
            if (!node.gone) {
                node.disk.scan(token -> true, (key, siblings) -> keys.add(key));
            }
        }
        return keys.size();
    }

    public boolean isUp(NodeId id) {
        SimNode node = nodes.get(id);
        return node.up && !node.paused;
    }

    /** An operator's leave or remove request at {@code node}; {@code done} gets the answer (never, if it crashes first). */
    public void admin(NodeId node, Input.AdminCommand command, Consumer<Membership.ChangeRequest> done) {
        SimNode target = nodes.get(node);
        long id = target.nextClientRequestId++;
        target.admins.put(id, done);
        input(target, target.incarnation, new Input.Admin(id, command), "admin " + command);
    }

    // ---- membership --------------------------------------------------------------------------

    /**
     * A brand-new node, not in the bootstrap list, started with every member as a seed: it joins
     * (JOINING without tokens until it has learned the ring), or, given {@code replacing}, takes a
     * dead member's tokens (cluster.replace). Returns its id.
     */
    public NodeId startNewNode(Optional<NodeId> replacing) {
        NodeId id = NodeId.of("node-" + (nodes.size() + 1));
        long skew = config.maxClockSkewMillis() == 0 ? 0 : random.nextLong(-config.maxClockSkewMillis(), config.maxClockSkewMillis() + 1);
        SimNode node = new SimNode(id, new MemoryEngine(Murmur3Partitioner.INSTANCE::token), new MemoryHintStore(HINTS_PER_OWNER),
                false, skew);
        node.tokens = List.of();
        node.joined = false;
        node.bootstrapMember = false;
        node.replacing = replacing;
        nodes.put(id, node);
        node.core = newCore(node);
        trace.record(nowMillis, "start " + id + replacing.map(dead -> " replacing " + dead).orElse(" joining"));
        startTicking(node);
        return id;
    }

    /** The process dies and its machine is lost: it is never restarted (an operator removes or replaces it). */
    public void killForGood(NodeId id) {
        crash(id);
        nodes.get(id).gone = true;
        trace.record(nowMillis, "killed for good " + id);
    }

    /** A node that has left stops, as its process exits: like a crash, but for good. */
    private void stopLeft(SimNode node) {
        crash(node.id);
        node.gone = true;
        trace.record(nowMillis, "left " + node.id);
    }

    // ---- faults ------------------------------------------------------------------------------

    /** The process dies: its core's state, timers and unfinished disk writes are gone; the disk stays. */
    public void crash(NodeId id) {
        SimNode node = nodes.get(id);
        node.up = false;
        node.paused = false;
        node.deferred.clear();
        node.reads.clear();
        node.writes.clear();
        node.writeKeys.clear();
        node.patches.clear();
        node.admins.clear();
        node.incarnation++;
        node.loseUnsynced();
        trace.record(nowMillis, "crash " + id);
    }

    /** The process starts again on its old disk, with a new actor epoch. */
    public void restart(NodeId id) {
        SimNode node = nodes.get(id);
        io.kvorum.common.Invariants.require(!node.gone, "%s is gone for good and is never restarted", id);
        node.epoch++;
        node.core = newCore(node);
        node.up = true;
        trace.record(nowMillis, "restart " + id + " epoch " + node.epoch);
        startTicking(node);
    }

    /** The process stops running (a long GC pause, SIGSTOP): inputs wait until {@link #resume}. */
    public void pause(NodeId id) {
        nodes.get(id).paused = true;
        trace.record(nowMillis, "pause " + id);
    }

    public void resume(NodeId id) {
        SimNode node = nodes.get(id);
        node.paused = false;
        trace.record(nowMillis, "resume " + id);
        List<Runnable> waiting = new ArrayList<>(node.deferred);
        node.deferred.clear();
        waiting.forEach(Runnable::run);
    }

    /** Cuts the cluster in two: messages between the sides vanish. */
    public void partition(Collection<NodeId> side) {
        partitionSide.clear();
        for (NodeId id : nodes.keySet()) {
            partitionSide.put(id, side.contains(id) ? 1 : 0); // a node started later is on side 0
        }
        trace.record(nowMillis, "partition " + new TreeSet<>(side));
    }

    public void heal() {
        partitionSide.clear();
        trace.record(nowMillis, "heal");
    }

    /** From now on the network neither drops nor duplicates messages (faults have stopped). */
    public void calm() {
        calm = true;
        trace.record(nowMillis, "calm");
    }

    /** Ends every fault: partitions healed, paused nodes resumed, crashed nodes restarted. */
    public void healAll() {
        heal();
        for (SimNode node : nodes.values()) {
            if (node.gone) {
                continue;
            }
            if (node.paused) {
                resume(node.id); // its deferred inputs may finish its leave: then it is gone
            }
            if (!node.up && !node.gone) {
                restart(node.id);
            }
        }
    }

    // ---- the node driver ---------------------------------------------------------------------

    /**
     * Transfers sized for the simulation: small batches (so ranges take several, and cursors matter),
     * a settle time past the clients' request timeout (writes begun before a coordinator saw a plan
     * have finished by then), and a short cleanup delay, so a change completes in simulated seconds.
     */
    private static final TransferSettings TRANSFER = new TransferSettings(1L << 20, 2, 4_096, 1_000, 2_000, 5_000);

    /**
     * A fresh core with gossip membership: generation = epoch + 1, the node's stored tokens (JOINING
     * while its join has not finished, as the real node starts from its tokens file), every other
     * node that is not gone for good a seed, and the transfer progress its disk kept.
     */
    private NodeCore newCore(SimNode node) {
        boolean joining = node.tokens.isEmpty() || !node.joined;
        LocalMember local = new LocalMember(node.id, "sim-" + node.id + ":1", "sim-" + node.id + ":2", node.tokens, node.epoch + 1,
                joining ? Status.JOINING : Status.UP);
        List<Seed> seeds = new ArrayList<>();
        for (SimNode other : nodes.values()) {
            if (!other.id.equals(node.id) && !other.gone) {
                seeds.add(new Seed(other.id, "sim-" + other.id + ":1"));
            }
        }
        GossipProtocol protocol = new GossipProtocol(local, seeds, GossipSettings.defaults(),
                new PhiAccrualFailureDetector(FailureDetectorSettings.defaults()), random.split());
        node.membership = new GossipMembership(protocol, VNODES, new TokenAllocator(Murmur3Partitioner.INSTANCE, config.n()),
                node.bootstrapMember ? bootstrap : List.of(), true, config.n(), node.replacing);
        AntiEntropySettings antiEntropy = new AntiEntropySettings(config.antiEntropyIntervalMillis() > 0,
                Math.max(1, config.antiEntropyIntervalMillis()), 1L << 20, 5_000);
        HandoffSettings handoff = new HandoffSettings(config.handoff(), 1_000, 20, HandoffSettings.BATCH_BYTES_MAX, 2_000, 200, 2_000);
        NodeCoreSettings settings = new NodeCoreSettings(node.id, new Actor(node.id, node.epoch), config.n(), Siblings.DEFAULT_MAX_ACTORS,
                config.keyLimits(), handoff, antiEntropy).withTransfer(TRANSFER);
        return new NodeCore(settings, node.membership, Murmur3Partitioner.INSTANCE::token, counts,
                Optional.ofNullable(node.transferProgress));
    }

    /** A lossy node's periodic disk sync; it goes on while the node is down, which changes nothing then. */
    private void startSyncing(SimNode node) {
        schedule(config.syncIntervalMillis(), "sync " + node.id, () -> {
            if (node.up) {
                node.sync();
            }
            startSyncing(node);
        });
    }

    /** Gossip rounds every interval from a random phase, for as long as this incarnation lives. */
    private void startTicking(SimNode node) {
        int incarnation = node.incarnation;
        long interval = GossipSettings.defaults().intervalMillis();
        schedule(random.nextLong(interval), "tick " + node.id, () -> tick(node, incarnation, interval));
    }

    private void tick(SimNode node, int incarnation, long interval) {
        if (node.up && node.incarnation == incarnation) {
            input(node, incarnation, new Input.Tick(node.wallMillis(nowMillis)), "tick");
            schedule(interval, "tick " + node.id, () -> tick(node, incarnation, interval));
        }
    }

    /** Feeds an input to the incarnation it was meant for; a paused node gets it on resume. */
    private void input(SimNode node, int incarnation, Input input, String label) {
        if (!node.up || node.incarnation != incarnation) {
            return;
        }
        if (node.paused) {
            node.deferred.add(() -> input(node, incarnation, input, label));
            return;
        }
        for (Effect effect : node.core.step(input, node.monotonicMillis(nowMillis))) {
            execute(node, effect);
        }
        if (node.left && !node.gone) {
            stopLeft(node);
        }
    }

    private void execute(SimNode node, Effect effect) {
        int incarnation = node.incarnation;
        switch (effect) {
            case Effect.Send send -> {
                // Every message crosses the network as the codec's bytes, as between real nodes.
                byte[] frame = codec.encode(send.message());
                trace.record(nowMillis, node.id + " sends " + send.to() + " " + send.message().getClass().getSimpleName() + " "
                        + Arrays.hashCode(frame));
                invariants.sent(node.id, send.to(), send.message());
                send(node, send.to(), frame);
            }
            case Effect.ReadReply reply -> {
                trace.record(nowMillis, node.id + " " + reply);
                complete(node.reads.remove(reply.clientRequestId()), reply.outcome());
            }
            case Effect.WriteReply reply -> {
                trace.record(nowMillis, node.id + " " + reply);
                Key key = node.writeKeys.remove(reply.clientRequestId());
                if (key != null) {
                    invariants.writeAnswered(node.id, key, reply.outcome());
                }
                complete(node.writes.remove(reply.clientRequestId()), reply.outcome());
            }
            case Effect.PatchReply reply -> {
                trace.record(nowMillis, node.id + " " + reply);
                Key key = node.writeKeys.remove(reply.clientRequestId());
                if (key != null && reply.outcome() instanceof PatchOutcome.Applied applied) {
                    invariants.writeAnswered(node.id, key, applied.write());
                }
                complete(node.patches.remove(reply.clientRequestId()), reply.outcome());
            }
            case Effect.SetTimer timer -> schedule(timer.atMillis() - node.monotonicMillis(nowMillis), "timer " + node.id,
                    () -> input(node, incarnation, new Input.TimerFired(timer.timerId()), "timer"));
            case Effect.CancelTimer cancel -> { } // the core ignores timers it no longer knows
            case Effect.PersistTokens persist -> {
                node.tokens = persist.tokens();
                node.joined = persist.joined();
            }
            case Effect.PersistTransfers persist -> node.transferProgress = persist.progress();
            case Effect.AdminReply reply -> {
                trace.record(nowMillis, node.id + " admin reply " + reply.result().refusal().orElse("accepted") + ": " + reply.result().message());
                node.adminReplies.add(reply.result());
                complete(node.admins.remove(reply.requestId()), reply.result());
            }
            case Effect.Left left -> node.left = true;
            case Effect.Disconnect disconnect -> { } // the simulated network keeps no connections
            case Effect.Storage storage -> simulatedDisk(node, incarnation).start(storage.operationId(), storage.operation());
        }
    }

    /** A disk error injected into one storage operation, beside crashes. */
    private enum DiskFault { NONE, FAILED_WRITE, FAILED_FSYNC, FULL_DISK }

    /**
     * The simulator's {@link StorageRunner}: the node's disk answers after a random delay, through the
     * runtime's own {@link StorageExecution#executeOverlapped}, so a coordinated write becomes visible
     * (and is replicated) first and durable a random delay later, as in production. A crash in
     * between drops the durable report with the rest of the core; a lossy disk also loses the write.
     * While faults are on, an operation may meet a disk error ({@link DiskFault}).
     */
    private StorageRunner simulatedDisk(SimNode node, int incarnation) {
        return (operationId, operation) -> schedule(random.nextLong(config.maxStorageDelayMillis() + 1), "disk " + node.id, () -> {
            if (!node.up || node.incarnation != incarnation) {
                return;
            }
            DiskFault fault = diskFault();
            List<StorageResult> visible = new ArrayList<>(1);
            StorageResult last = runOnDisk(node, operation, fault, visible);
            trace.record(nowMillis, node.id + " disk " + operation.getClass().getSimpleName() + " -> "
                    + (visible.isEmpty() ? "" : visible.getFirst().getClass().getSimpleName() + ", ") + last.getClass().getSimpleName());
            if (visible.isEmpty()) {
                input(node, incarnation, new Input.StorageDone(operationId, last), "stored");
                return;
            }
            input(node, incarnation, new Input.StorageDone(operationId, visible.getFirst()), "visible");
            schedule(random.nextLong(config.maxStorageDelayMillis() + 1), "sync " + node.id,
                    () -> input(node, incarnation, new Input.StorageDone(operationId, last), "durable"));
        });
    }

    private DiskFault diskFault() {
        if (calm || config.diskErrorProbability() == 0 || random.nextDouble() >= config.diskErrorProbability()) {
            return DiskFault.NONE;
        }
        return DiskFault.values()[1 + random.nextInt(DiskFault.values().length - 1)];
    }

    /** Runs {@code operation} on {@code node}'s disk as {@code fault} allows, checking the invariants of what it changed. */
    private StorageResult runOnDisk(SimNode node, StorageOp operation, DiskFault fault, List<StorageResult> visible) {
        boolean changes = changesState(operation);
        if (fault == DiskFault.FAILED_WRITE || (fault == DiskFault.FULL_DISK && changes)) {
            trace.record(nowMillis, node.id + " disk fault " + fault + " on " + operation.getClass().getSimpleName());
            return new StorageResult.Failed(operation.getClass().getSimpleName() + ": "
                    + (fault == DiskFault.FULL_DISK ? "No space left on device" : "Input/output error"));
        }
        Map<Key, Siblings> before = new TreeMap<>();
        keysChanged(operation).forEach(key -> before.put(key, node.disk.get(key)));
        StorageResult last = StorageExecution.executeOverlapped(new LocalStorage(node.disk, node.hints,
                Murmur3Partitioner.INSTANCE::token), operation, visible::add);
        before.forEach((key, state) -> invariants.stateChanged(node.id, key, state, node.disk.get(key)));
        for (StorageResult result : visible.isEmpty() ? List.of(last) : visible) {
            if (result instanceof StorageResult.Written written && operation instanceof StorageOp.CoordinateWrite write) {
                invariants.dotIssued(node.id, write.key(), written.version().dot());
            }
        }
        if (fault == DiskFault.FAILED_FSYNC && changes && !(last instanceof StorageResult.Failed)) {
            trace.record(nowMillis, node.id + " disk fault " + fault + " on " + operation.getClass().getSimpleName());
            return new StorageResult.Failed(operation.getClass().getSimpleName() + ": fsync: Input/output error");
        }
        return last;
    }

    private static boolean changesState(StorageOp operation) {
        return switch (operation) {
            case StorageOp.Merge merge -> true;
            case StorageOp.CoordinateWrite write -> true;
            case StorageOp.MergeAll all -> true;
            case StorageOp.StoreHint store -> true;
            case StorageOp.DeleteHints delete -> true;
            case StorageOp.Read read -> false;
            case StorageOp.LoadHints load -> false;
            case StorageOp.BuildTrees build -> false;
            case StorageOp.Digests digests -> false;
            case StorageOp.ReadStates read -> false;
            case StorageOp.StreamScan stream -> false;
            case StorageOp.Purge purge -> true;
        };
    }

    /** The keys whose stored state {@code operation} may change. */
    private static List<Key> keysChanged(StorageOp operation) {
        return switch (operation) {
            case StorageOp.Merge merge -> List.of(merge.key());
            case StorageOp.CoordinateWrite write -> List.of(write.key());
            case StorageOp.MergeAll all -> all.entries().stream().map(PeerMessage.KeyState::key).toList();
            case StorageOp.StoreHint store -> List.of();
            case StorageOp.DeleteHints delete -> List.of();
            case StorageOp.Read read -> List.of();
            case StorageOp.LoadHints load -> List.of();
            case StorageOp.BuildTrees build -> List.of();
            case StorageOp.Digests digests -> List.of();
            case StorageOp.ReadStates read -> List.of();
            case StorageOp.StreamScan stream -> List.of();
            case StorageOp.Purge purge -> List.of();
        };
    }

    private void send(SimNode from, NodeId to, byte[] frame) {
        SimNode target = nodes.get(to);
        int fromIncarnation = from.incarnation;
        if (!partitionSide.isEmpty() && !partitionSide.getOrDefault(from.id, 0).equals(partitionSide.getOrDefault(to, 0))) {
            return; // partitioned: the message vanishes, the sender finds out by its deadline
        }
        if (!target.up) {
            schedule(delay(), "refused " + to, () -> input(from, fromIncarnation, new Input.SendFailed(to, codec.decode(frame)), "refused"));
            return;
        }
        if (!calm && random.nextDouble() < config.dropProbability()) {
            return;
        }
        int copies = !calm && random.nextDouble() < config.duplicateProbability() ? 2 : 1;
        int targetIncarnation = target.incarnation;
        for (int i = 0; i < copies; i++) {
            schedule(delay(), "deliver " + from.id + "->" + to, () -> {
                PeerMessage message = codec.decode(frame);
                invariants.delivered(from.id, to, message);
                input(target, targetIncarnation, new Input.PeerReceived(from.id, message), "received");
            });
        }
    }

    private long delay() {
        return random.nextLong(config.minDelayMillis(), config.maxDelayMillis() + 1);
    }

    private static <T> void complete(Consumer<T> callback, T outcome) {
        if (callback != null) {
            callback.accept(outcome);
        }
    }
}
