package io.kvorum.node.antientropy;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.message.RecentWrites;
import io.kvorum.node.protocol.RangeSync;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.node.message.PeerMessage.ForwardWriteResponse;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.HintBatchAck;
import io.kvorum.node.message.PeerMessage.KeyHash;
import io.kvorum.node.message.PeerMessage.KeyHashesRequest;
import io.kvorum.node.message.PeerMessage.KeyHashesResponse;
import io.kvorum.node.message.PeerMessage.KeyStatesRequest;
import io.kvorum.node.message.PeerMessage.KeyStatesResponse;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.node.message.PeerMessage.TreeRequest;
import io.kvorum.node.message.PeerMessage.TreeResponse;
import io.kvorum.ring.Ring;
import io.kvorum.storage.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Merkle-tree anti-entropy between replicas (Dynamo §4.7), both sides of the exchange, as a sans-I/O
 * state machine.
 *
 * <p>Design note. Every {@code interval} the node starts one exchange with the next live peer (round
 * robin) that shares ranges with it: the ranges whose N replicas include both, coalesced where
 * adjacent, so three nodes with N=3 compare one tree of the whole ring. Both sides build their trees
 * of exactly those ranges from one scan of their engine (the initiator sends the ranges, so two
 * nodes whose ring views differ still build comparable trees), with a leaf per 64 keys the
 * initiator held at its last build, between 1,024 and 16,384 leaves in all (see {@link #depthFor}).
 * Keys written in the last {@link #RECENT_WRITES_MILLIS} are left out by both sides, in the trees and
 * in the key hashes (a window the initiator fixes, see {@link RecentWrites}), so writes in flight
 * do not make leaves differ. (A key whose newest version is recent on one side only, a write still
 * on its way, is listed by the other side alone when its leaf differs for another reason: it then
 * moves as if missing, which costs one state and loses nothing.)
 * The initiator compares, and for the leaves that differ the two sides compare per-key hashes
 * before any state moves (Riak's approach [1]): (1) the initiator sends the differing leaves and its
 * (key, entry hash) list of their keys ({@link KeyHashesRequest}); (2) the peer lists its own keys of
 * the same leaves (same window), answers with its states of the keys whose hashes differ or that
 * the initiator lacks, and names the keys it wants: those that differ or that it lacks
 * ({@link KeyHashesResponse}); (3) the initiator merges those states and sends its states of the
 * wanted keys ({@link KeyStatesRequest}), which the peer merges and acknowledges
 * ({@link KeyStatesResponse}), so the exchange ends on an answer, not on a guess. A key whose
 * hashes agree ships nothing; one that differs ships one state each way, merged through the same
 * reconciling merge as every other write, so concurrent versions end as siblings on both sides.
 * The hashes are the entry hashes the trees are built from, which the engine keeps per key (the
 * key directory): listing a leaf's keys reads no value.
 *
 * <p>Why not ship whole leaves (as before issue 16): a leaf differs when one of its keys does, and
 * at 1,000,000 keys under YCSB A writes in flight made many leaves differ each exchange; every key
 * of such a leaf shipped its whole state both ways, though all but one were equal. A key hash is
 * its key and 16 bytes. Why this exchange and not one where the peer also sends hashes back: the
 * peer can compare at once, so its answer already carries states, and a third message is needed
 * only when the peer wants a state. Why the third step is acknowledged: the
 * exchange must stay the one running until the peer has merged, or the next could start on top.
 *
 * <p>Bounds. Each direction streams at most {@code max-bytes-per-exchange}: the initiator offers
 * whole leaves while their hashes fit (a leaf cut short would read as keys it lacks) and spends
 * what is left on the wanted states; the peer spends its own bound, less the wanted list, on its
 * states. What is left over differs again in the next exchange. A peer's request makes a node do at
 * most one pass over its key directory and read states within the byte bound: requests with more
 * than {@link #LEAVES_MAX} leaves or {@link #HASHES_MAX} hashes, overlapping leaves, keys out of
 * order or twice, or another ring are refused with a {@link ReplicaFailure} before any work.
 * One exchange runs at a time, and one that is not finished by its timeout is abandoned; the
 * initiator ignores replies out of turn (a duplicate reply merges nothing twice) and, of the keys
 * the peer wants, sends only those it offered.
 *
 * <p>The trees are built by a scan when an exchange starts rather than maintained on every write
 * (see the measurements in the README's anti-entropy section): a tree built from what is on disk
 * cannot drift from it, needs no rebuild after a restart, and costs no CPU on the write path.
 *
 * <p>[1] riak_kv's {@code riak_kv_index_hashtree} and {@code riak_kv_exchange_fsm}: hashtrees whose
 * segments are compared key by key before any object is repaired.
 */
public final class AntiEntropy {
    /** At least about this many leaves over all ranges of one exchange: a 16 KiB tree each way. */
    static final int LEAVES_PER_EXCHANGE = 1024;
    /**
     * Beyond {@link #LEAVES_PER_EXCHANGE}, about one leaf per this many keys: every leaf that a write in
     * flight makes differ lists all of its keys' hashes (and, before the per-key exchange, shipped all
     * of their states both ways: at 1,000,000 keys and 1,024 leaves, about 1,000 keys a leaf, that was
     * 63% of the nodes' CPU under YCSB A, issue 16).
     */
    static final int KEYS_PER_LEAF = 64;
    /** At most this many leaves per exchange: a 256 KiB tree each way. */
    static final int LEAVES_PER_EXCHANGE_MAX = 16_384;
    /** A peer may ask for at most this many leaves in all (a bound on the work a request can cause). */
    static final long LEAVES_MAX = 1L << 20;
    /** A peer may list at most this many key hashes in one request (as many as a frame may carry entries). */
    static final int HASHES_MAX = 1 << 20;

    /**
     * Keys whose newest version is younger than this (by the initiator's clock) are left out of an
     * exchange (see {@link RecentWrites}): far longer than a write takes to reach every replica
     * (milliseconds; seconds only when one is down, and then hinted handoff delivers it), and short
     * next to the interval between exchanges, so a key is left out of one exchange at most.
     */
    static final long RECENT_WRITES_MILLIS = 5_000;

    private record TreeComparison(long id, NodeId peer, List<TokenRange> ranges, int depth, RecentWrites recent) {}

    private record Synced(NodeId peer, TokenRange range) {}

    /** Where the running exchange is: which reply it waits for (or none while its own storage works). */
    private enum Phase { TREES, LOCAL, HASHES, STATES }

    private final NodeId self;
    private final LongSupplier agreedRing;
    private final int n;
    private final int maxActors;
    private final AntiEntropySettings settings;
    private final Outbox outbox;
    private final CoreMetrics metrics;
    private final AntiEntropyResponder responder;
    private long startedMillis = Long.MIN_VALUE;
    /** When each (peer, range) was last found identical; absent: not since this node started. */
    private final Map<Synced, Long> lastInSync = new TreeMap<>((x, y) -> {
        int byPeer = x.peer().compareTo(y.peer());
        return byPeer != 0 ? byPeer : compareRanges(x.range(), y.range());
    });
    private TreeComparison current;
    private List<MerkleTree> localTrees;
    private List<MerkleTree> remoteTrees;
    private Phase phase;
    /** The keys the running exchange offered hashes of: the only ones whose states it sends. */
    private TreeSet<Key> offered = new TreeSet<>();
    /** What the running exchange may still stream to the peer after its offer. */
    private long bytesLeft;
    private long nextStartMillis;
    /** How many keys this node's last tree build as initiator held (0 before the first): sizes the next exchange's leaves. */
    private long keysSeen;
    private NodeId lastPeer;

    public AntiEntropy(NodeId self, int n, int maxActors, AntiEntropySettings settings, Outbox outbox, CoreMetrics metrics) {
        this(self, n, maxActors, settings, outbox, metrics, () -> 0);
    }

    /**
     * @param agreedRing the fingerprint of this node's ring, or -1 while a membership change is in
     *     flight: exchanges are served only between nodes that see the same ring
     */
    public AntiEntropy(NodeId self, int n, int maxActors, AntiEntropySettings settings, Outbox outbox, CoreMetrics metrics,
                       LongSupplier agreedRing) {
        this.agreedRing = agreedRing;
        this.self = self;
        this.n = n;
        this.maxActors = maxActors;
        this.settings = settings;
        this.outbox = outbox;
        this.metrics = metrics;
        this.responder = new AntiEntropyResponder(maxActors, settings, outbox, metrics, agreedRing);
    }

    /** A periodic tick: start an exchange when one is due and none is running. */
    public void onTick(Ring ring, Predicate<NodeId> alive) {
        long now = outbox.nowMillis();
        if (startedMillis == Long.MIN_VALUE) {
            startedMillis = now;
            nextStartMillis = now + settings.intervalMillis();
        }
        metrics.antiEntropySyncAge(oldestSyncAge(now).orElse(-1L));
        if (!settings.enabled() || current != null || now < nextStartMillis) {
            return;
        }
        nextStartMillis = now + settings.intervalMillis();
        List<NodeId> nodes = ring.nodes();
        int start = lastPeer == null ? 0 : Math.max(0, nodes.indexOf(lastPeer) + 1);
        for (int step = 0; step < nodes.size(); step++) {
            NodeId peer = nodes.get((start + step) % nodes.size());
            if (peer.equals(self) || !alive.test(peer)) {
                continue;
            }
            List<TokenRange> ranges = ring.sharedRanges(self, peer, n);
            if (!ranges.isEmpty()) {
                lastPeer = peer;
                begin(peer, ranges);
                return;
            }
        }
    }

    /**
     * A message of the anti-entropy protocol: requests are served, replies advance the running
     * exchange. Returns false for messages that are not anti-entropy's.
     */
    public boolean onMessage(NodeId from, PeerMessage message) {
        return switch (message) {
            case PeerMessage.Request request -> onRequest(from, request);
            case PeerMessage.Response response -> onResponse(from, response);
            case PeerMessage.OneWay oneWay -> false;
        };
    }

    private boolean onRequest(NodeId from, PeerMessage.Request request) {
        return switch (request) {
            case TreeRequest tree -> {
                responder.serveTrees(from, tree);
                yield true;
            }
            case KeyHashesRequest hashes -> {
                responder.serveHashes(from, hashes);
                yield true;
            }
            case KeyStatesRequest states -> {
                responder.serveStates(from, states);
                yield true;
            }
            // The coordinators' and hinted handoff's requests.
            case ReplicaGetRequest other -> false;
            case ReplicaPutRequest other -> false;
            case ForwardWriteRequest other -> false;
            case HintBatch other -> false;
            case PeerMessage.StreamRequest other -> false;
        };
    }

    private boolean onResponse(NodeId from, PeerMessage.Response response) {
        return switch (response) {
            case TreeResponse trees -> {
                if (isCurrent(from, trees.requestId(), Phase.TREES) && remoteTrees == null) {
                    remoteTrees = trees.trees();
                    compareWhenBoth();
                }
                yield true;
            }
            case KeyHashesResponse answer -> {
                if (isCurrent(from, answer.requestId(), Phase.HASHES)) {
                    onPeerStates(answer);
                }
                yield true;
            }
            case KeyStatesResponse ack -> {
                if (isCurrent(from, ack.requestId(), Phase.STATES)) {
                    finish(current);
                }
                yield true;
            }
            case ReplicaFailure failure -> {
                boolean ours = isCurrent(from, failure.requestId());
                if (ours) {
                    finish(current);
                }
                yield ours; // otherwise a coordinator's request failed
            }
            // The coordinators' and hinted handoff's replies.
            case ReplicaGetResponse other -> false;
            case PeerMessage.ReplicaDigestResponse other -> false;
            case ReplicaPutResponse other -> false;
            case ForwardWriteResponse other -> false;
            case HintBatchAck other -> false;
            case PeerMessage.StreamBatch other -> false;
        };
    }

    /** A request of the running exchange could not be sent. */
    public void onSendFailed(NodeId to, long requestId) {
        if (isCurrent(to, requestId)) {
            finish(current);
        }
    }

    // ---- initiator ---------------------------------------------------------------------------

    private void begin(NodeId peer, List<TokenRange> ranges) {
        int depth = depthFor(ranges.size(), keysSeen);
        long wallMillis = outbox.wallMillis();
        RecentWrites recent = wallMillis == Outbox.WALL_UNKNOWN ? RecentWrites.NONE : RecentWrites.around(wallMillis, RECENT_WRITES_MILLIS);
        TreeComparison exchange = new TreeComparison(outbox.newId(), peer, ranges, depth, recent);
        current = exchange;
        localTrees = null;
        remoteTrees = null;
        phase = Phase.TREES;
        outbox.setTimer(exchange.id(), outbox.nowMillis() + settings.timeoutMillis(), () -> finish(exchange));
        outbox.send(peer, new TreeRequest(exchange.id(), ranges, depth, recent, agreedRing.getAsLong()));
        outbox.storage(new StorageOp.BuildTrees(ranges, depth, recent), result -> {
            if (current == exchange && result instanceof StorageResult.Trees trees) {
                localTrees = trees.trees();
                keysSeen = trees.keys();
                compareWhenBoth();
            } else if (current == exchange) {
                finish(exchange);
            }
        });
    }

    private void compareWhenBoth() {
        if (localTrees == null || remoteTrees == null) {
            return;
        }
        TreeComparison exchange = current;
        if (!comparable(exchange, localTrees, remoteTrees)) {
            finish(exchange); // a peer answering with other trees than asked: nothing to learn
            return;
        }
        long now = outbox.nowMillis();
        List<TokenRange> differing = new ArrayList<>();
        int inSync = 0;
        for (int i = 0; i < exchange.ranges().size(); i++) {
            List<TokenRange> leaves = localTrees.get(i).difference(remoteTrees.get(i));
            if (leaves.isEmpty()) {
                lastInSync.put(new Synced(exchange.peer(), exchange.ranges().get(i)), now);
                inSync++;
            }
            differing.addAll(leaves);
        }
        metrics.antiEntropyCompared(exchange.ranges().size(), inSync);
        if (inSync > 0) {
            metrics.antiEntropySyncs(syncs());
        }
        if (differing.isEmpty()) {
            finish(exchange);
            return;
        }
        phase = Phase.LOCAL; // no reply is awaited while the own hashes are listed
        outbox.storage(new StorageOp.Digests(differing, exchange.recent()), result -> {
            if (current != exchange) {
                return;
            }
            if (result instanceof StorageResult.Digested digested) {
                offerHashes(exchange, differing, digested.perRange());
            } else {
                finish(exchange);
            }
        });
    }

    /** Step 1: the differing leaves that fit the byte bound, with this node's hashes of their keys. */
    private void offerHashes(TreeComparison exchange, List<TokenRange> differing, List<List<KeyHash>> perLeaf) {
        long maxBytes = settings.maxBytesPerExchange();
        KeyHashes.Offer offer = KeyHashes.offer(differing, perLeaf, maxBytes);
        offered = new TreeSet<>();
        offer.hashes().forEach(hash -> offered.add(hash.key()));
        bytesLeft = Math.max(1, maxBytes - offer.bytes());
        phase = Phase.HASHES;
        metrics.antiEntropySent(offer.hashes().size(), 0);
        outbox.send(exchange.peer(), new KeyHashesRequest(exchange.id(), offer.leaves(), offer.hashes(), maxBytes, exchange.recent(),
                agreedRing.getAsLong()));
    }

    /** Step 3: merge the peer's states, then send this node's states of the offered keys it wants. */
    private void onPeerStates(KeyHashesResponse answer) {
        TreeComparison exchange = current;
        phase = Phase.LOCAL; // a duplicate answer merges nothing twice
        List<Key> wanted = answer.wanted().stream().filter(offered::contains).distinct().toList();
        if (answer.entries().isEmpty()) {
            sendWanted(exchange, wanted);
            return;
        }
        outbox.storage(new StorageOp.MergeAll(answer.entries(), maxActors), result -> {
            if (result instanceof StorageResult.Merged merged) {
                metrics.antiEntropyKeysRepaired(exchange.peer(), merged.changed());
                sendWanted(exchange, wanted);
            } else {
                finish(exchange);
            }
        });
    }

    private void sendWanted(TreeComparison exchange, List<Key> wanted) {
        if (current != exchange) {
            return;
        }
        if (wanted.isEmpty()) {
            finish(exchange);
            return;
        }
        outbox.storage(new StorageOp.ReadStates(wanted, bytesLeft), result -> {
            if (current != exchange) {
                return;
            }
            if (result instanceof StorageResult.StatesRead read && !read.entries().isEmpty()) {
                phase = Phase.STATES;
                metrics.antiEntropySent(0, read.entries().size());
                outbox.send(exchange.peer(), new KeyStatesRequest(exchange.id(), read.entries()));
            } else {
                finish(exchange); // removed since it was listed, or the disk failed
            }
        });
    }

    private static boolean comparable(TreeComparison exchange, List<MerkleTree> local, List<MerkleTree> remote) {
        if (local.size() != exchange.ranges().size() || remote.size() != local.size()) {
            return false;
        }
        for (int i = 0; i < local.size(); i++) {
            if (!local.get(i).comparableWith(remote.get(i))) {
                return false;
            }
        }
        return true;
    }

    private void finish(TreeComparison exchange) {
        if (current != exchange || exchange == null) {
            return;
        }
        outbox.cancelTimer(exchange.id());
        current = null;
        localTrees = null;
        remoteTrees = null;
        phase = null;
        offered = new TreeSet<>();
        // Forget ranges of this peer that the ring no longer shares, so the age reflects today's ranges.
        lastInSync.keySet().removeIf(s -> s.peer().equals(exchange.peer()) && !exchange.ranges().contains(s.range()));
        for (TokenRange range : exchange.ranges()) {
            lastInSync.putIfAbsent(new Synced(exchange.peer(), range), startedMillis);
        }
        metrics.antiEntropySyncAge(oldestSyncAge(outbox.nowMillis()).orElse(-1L));
        metrics.antiEntropySyncs(syncs());
    }

    /** A snapshot of {@link #lastInSync}; a pair still at {@link #startedMillis} has not been in sync since the start. */
    private List<RangeSync> syncs() {
        List<RangeSync> syncs = new ArrayList<>(lastInSync.size());
        lastInSync.forEach((synced, millis) ->
                syncs.add(new RangeSync(synced.peer(), synced.range(), millis, millis != startedMillis)));
        return List.copyOf(syncs);
    }

    private boolean isCurrent(NodeId from, long requestId) {
        return current != null && current.id() == requestId && current.peer().equals(from);
    }

    /** As {@link #isCurrent(NodeId, long)}, and the exchange waits for this reply (not a duplicate or one out of turn). */
    private boolean isCurrent(NodeId from, long requestId, Phase expected) {
        return isCurrent(from, requestId) && phase == expected;
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** The depth that gives about {@link #LEAVES_PER_EXCHANGE} leaves over {@code ranges} trees. */
    static int depthFor(int ranges) {
        return depthFor(ranges, 0);
    }

    /**
     * The depth for {@code ranges} trees over about {@code keys} keys (as many as this node's last
     * tree build held): a leaf per {@link #KEYS_PER_LEAF} keys, within {@link #LEAVES_PER_EXCHANGE}
     * and {@link #LEAVES_PER_EXCHANGE_MAX} leaves in all.
     */
    static int depthFor(int ranges, long keys) {
        long leaves = Math.clamp(keys / KEYS_PER_LEAF, LEAVES_PER_EXCHANGE, LEAVES_PER_EXCHANGE_MAX);
        int depth = 0;
        while (((long) ranges << (depth + 1)) <= leaves && depth < MerkleTree.MAX_DEPTH) {
            depth++;
        }
        return depth;
    }

    /** See {@link TokenRange#disjoint}. */
    static boolean disjoint(List<TokenRange> ranges) {
        return TokenRange.disjoint(ranges);
    }

    private static int compareRanges(TokenRange x, TokenRange y) {
        int byEnd = Long.compare(x.endInclusive(), y.endInclusive());
        return byEnd != 0 ? byEnd : Long.compare(x.startExclusive(), y.startExclusive());
    }

    private Optional<Long> oldestSyncAge(long now) {
        return lastInSync.values().stream().min(Long::compare).map(oldest -> now - oldest);
    }
}
