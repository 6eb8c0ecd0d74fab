package io.kvorum.node.antientropy;

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
import io.kvorum.node.message.PeerMessage.KeysRequest;
import io.kvorum.node.message.PeerMessage.KeysResponse;
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
 * in the states shipped (a window the initiator fixes, see {@link RecentWrites}), so writes in flight
 * do not make leaves differ.
 * The initiator compares; for the leaves that differ it sends its own states of their keys, and the
 * peer merges them, answers with its states of the same leaves, and the initiator merges those:
 * one round trip repairs both sides, through the same reconciling merge as every other write.
 * Each direction streams at most {@code max-bytes-per-exchange}; what is left over differs again
 * in the next exchange. One exchange runs at a time, and one that is not finished by its timeout
 * is abandoned.
 *
 * <p>The trees are built by a scan when an exchange starts rather than maintained on every write
 * (see the measurements in the README's anti-entropy section): a tree built from what is on disk
 * cannot drift from it, needs no rebuild after a restart, and costs no CPU on the write path.
 */
public final class AntiEntropy {
    /** At least about this many leaves over all ranges of one exchange: a 16 KiB tree each way. */
    static final int LEAVES_PER_EXCHANGE = 1024;
    /**
     * Beyond {@link #LEAVES_PER_EXCHANGE}, about one leaf per this many keys: every leaf that a write in
     * flight makes differ ships all of its keys' states both ways, and at 1,000,000 keys and 1,024
     * leaves (about 1,000 keys a leaf) that was 63% of the nodes' CPU under YCSB A (issue 16).
     */
    static final int KEYS_PER_LEAF = 64;
    /** At most this many leaves per exchange: a 256 KiB tree each way. */
    static final int LEAVES_PER_EXCHANGE_MAX = 16_384;
    /** A peer may ask for at most this many leaves in all (a bound on the work a request can cause). */
    static final long LEAVES_MAX = 1L << 20;

    /**
     * Keys whose newest version is younger than this (by the initiator's clock) are left out of an
     * exchange (see {@link RecentWrites}): far longer than a write takes to reach every replica
     * (milliseconds; seconds only when one is down, and then hinted handoff delivers it), and short
     * next to the interval between exchanges, so a key is left out of one exchange at most.
     */
    static final long RECENT_WRITES_MILLIS = 5_000;

    private record TreeComparison(long id, NodeId peer, List<TokenRange> ranges, int depth, RecentWrites recent) {}

    private record Synced(NodeId peer, TokenRange range) {}

    private final NodeId self;
    private final LongSupplier agreedRing;
    private final int n;
    private final int maxActors;
    private final AntiEntropySettings settings;
    private final Outbox outbox;
    private final CoreMetrics metrics;
    private long startedMillis = Long.MIN_VALUE;
    /** When each (peer, range) was last found identical; absent: not since this node started. */
    private final Map<Synced, Long> lastInSync = new TreeMap<>((x, y) -> {
        int byPeer = x.peer().compareTo(y.peer());
        return byPeer != 0 ? byPeer : compareRanges(x.range(), y.range());
    });
    private TreeComparison current;
    private List<MerkleTree> localTrees;
    private List<MerkleTree> remoteTrees;
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
                serveTrees(from, tree);
                yield true;
            }
            case KeysRequest keys -> {
                serveKeys(from, keys);
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
                if (isCurrent(from, trees.requestId())) {
                    remoteTrees = trees.trees();
                    compareWhenBoth();
                }
                yield true;
            }
            case KeysResponse keys -> {
                if (isCurrent(from, keys.requestId())) {
                    TreeComparison comparison = current;
                    outbox.storage(new StorageOp.MergeAll(keys.entries(), maxActors), result -> {
                        if (result instanceof StorageResult.Merged merged) {
                            metrics.antiEntropyKeysRepaired(from, merged.changed());
                        }
                        finish(comparison);
                    });
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
        outbox.storage(new StorageOp.Scan(differing, settings.maxBytesPerExchange(), exchange.recent()), result -> {
            if (current != exchange) {
                return;
            }
            if (result instanceof StorageResult.Scanned scanned) {
                outbox.send(exchange.peer(), new KeysRequest(exchange.id(), differing, scanned.entries(), settings.maxBytesPerExchange(),
                        exchange.recent()));
            } else {
                finish(exchange);
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

    // ---- responder ---------------------------------------------------------------------------

    private void serveTrees(NodeId from, TreeRequest request) {
        if ((long) request.ranges().size() << request.depth() > LEAVES_MAX || !disjoint(request.ranges())) {
            outbox.send(from, new ReplicaFailure(request.requestId(), "tree request too large or with overlapping ranges"));
            return;
        }
        long agreed = agreedRing.getAsLong();
        if (request.ringFingerprint() != 0 && request.ringFingerprint() != agreed) {
            // Ranges compared under two different rings would move keys to nodes that do not own them.
            outbox.send(from, new ReplicaFailure(request.requestId(), "ring views differ (a membership change is in flight"
                    + " or gossip has not converged): no comparison"));
            return;
        }
        outbox.storage(new StorageOp.BuildTrees(request.ranges(), request.depth(), request.recent()), result -> outbox.send(from,
                result instanceof StorageResult.Trees trees
                        ? new TreeResponse(request.requestId(), trees.trees())
                        : new ReplicaFailure(request.requestId(), StorageResult.failureReason(result))));
    }

    private void serveKeys(NodeId from, KeysRequest request) {
        if (!disjoint(request.ranges())) {
            outbox.send(from, new ReplicaFailure(request.requestId(), "key request with overlapping ranges"));
            return;
        }
        long maxBytes = Math.min(request.maxBytes(), settings.maxBytesPerExchange());
        outbox.storage(new StorageOp.MergeAll(request.entries(), maxActors), merged -> {
            if (merged instanceof StorageResult.Merged m) {
                metrics.antiEntropyKeysRepaired(from, m.changed());
            }
            outbox.storage(new StorageOp.Scan(request.ranges(), maxBytes, request.recent()), scanned -> outbox.send(from,
                    scanned instanceof StorageResult.Scanned s
                            ? new KeysResponse(request.requestId(), s.entries())
                            : new ReplicaFailure(request.requestId(), StorageResult.failureReason(scanned))));
        });
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
