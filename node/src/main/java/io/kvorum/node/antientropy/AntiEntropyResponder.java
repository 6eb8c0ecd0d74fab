package io.kvorum.node.antientropy;

import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage.KeyHashesRequest;
import io.kvorum.node.message.PeerMessage.KeyHashesResponse;
import io.kvorum.node.message.PeerMessage.KeyStatesRequest;
import io.kvorum.node.message.PeerMessage.KeyStatesResponse;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.TreeRequest;
import io.kvorum.node.message.PeerMessage.TreeResponse;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The peer's side of an anti-entropy exchange (see {@link AntiEntropy}'s design note): it serves the
 * initiator's three requests and keeps no state between them, so a request that is lost, repeated or
 * never followed up costs the peer nothing but the work it asked for. Every request is checked
 * against its bounds before any storage work starts, and a refusal is a {@link ReplicaFailure}
 * naming the reason. Owned by the same event loop as the {@link AntiEntropy} that creates it.
 */
final class AntiEntropyResponder {
    private final int maxActors;
    private final AntiEntropySettings settings;
    private final Outbox outbox;
    private final CoreMetrics metrics;
    private final LongSupplier agreedRing;

    AntiEntropyResponder(int maxActors, AntiEntropySettings settings, Outbox outbox, CoreMetrics metrics, LongSupplier agreedRing) {
        this.maxActors = maxActors;
        this.settings = settings;
        this.outbox = outbox;
        this.metrics = metrics;
        this.agreedRing = agreedRing;
    }

    /** Step 1 served: trees of the asked ranges at the asked depth, under the same ring. */
    void serveTrees(NodeId from, TreeRequest request) {
        if ((long) request.ranges().size() << request.depth() > AntiEntropy.LEAVES_MAX || !AntiEntropy.disjoint(request.ranges())) {
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

    /** Step 2: compare the initiator's hashes with this node's, answer with the states that must move here to there. */
    void serveHashes(NodeId from, KeyHashesRequest request) {
        Optional<String> refusal = refusal(request);
        if (refusal.isPresent()) {
            outbox.send(from, new ReplicaFailure(request.requestId(), refusal.get()));
            return;
        }
        long maxBytes = Math.min(request.maxBytes(), settings.maxBytesPerExchange());
        outbox.storage(new StorageOp.Digests(request.leaves(), request.recent()), result -> {
            if (!(result instanceof StorageResult.Digested digested)) {
                outbox.send(from, new ReplicaFailure(request.requestId(), StorageResult.failureReason(result)));
                return;
            }
            KeyHashes.Difference difference = KeyHashes.compare(KeyHashes.flatten(digested.perRange()), request.hashes());
            if (difference.toSend().isEmpty()) {
                outbox.send(from, new KeyHashesResponse(request.requestId(), List.of(), difference.wanted()));
                return;
            }
            long statesBytes = Math.max(1, maxBytes - KeyHashes.bytesOf(difference.wanted()));
            outbox.storage(new StorageOp.ReadStates(difference.toSend(), statesBytes), read -> {
                if (read instanceof StorageResult.StatesRead states) {
                    metrics.antiEntropySent(0, states.entries().size());
                    outbox.send(from, new KeyHashesResponse(request.requestId(), states.entries(), difference.wanted()));
                } else {
                    outbox.send(from, new ReplicaFailure(request.requestId(), StorageResult.failureReason(read)));
                }
            });
        });
    }

    /** Why a key-hash request is not served (before any work is done), if it is not. */
    private Optional<String> refusal(KeyHashesRequest request) {
        if (request.leaves().size() > AntiEntropy.LEAVES_MAX || request.hashes().size() > AntiEntropy.HASHES_MAX) {
            return Optional.of("key-hash request too large: " + request.leaves().size() + " leaves, " + request.hashes().size()
                    + " hashes (at most " + AntiEntropy.LEAVES_MAX + " and " + AntiEntropy.HASHES_MAX + ")");
        }
        if (!AntiEntropy.disjoint(request.leaves())) {
            return Optional.of("key-hash request with overlapping leaves");
        }
        if (!KeyHashes.strictlyAscending(request.hashes())) {
            return Optional.of("key-hash request whose keys are not in ascending order, or listed twice");
        }
        long agreed = agreedRing.getAsLong();
        if (request.ringFingerprint() != 0 && request.ringFingerprint() != agreed) {
            return Optional.of("ring views differ (a membership change is in flight or gossip has not converged): no comparison");
        }
        return Optional.empty();
    }

    /** The initiator's states of the keys this node wanted: merge durably, then acknowledge. */
    void serveStates(NodeId from, KeyStatesRequest request) {
        outbox.storage(new StorageOp.MergeAll(request.entries(), maxActors), merged -> {
            if (merged instanceof StorageResult.Merged m) {
                metrics.antiEntropyKeysRepaired(from, m.changed());
                outbox.send(from, new KeyStatesResponse(request.requestId()));
            } else {
                outbox.send(from, new ReplicaFailure(request.requestId(), StorageResult.failureReason(merged)));
            }
        });
    }
}
