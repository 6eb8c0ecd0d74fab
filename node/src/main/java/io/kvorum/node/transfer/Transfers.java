package io.kvorum.node.transfer;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.node.membership.ChangePlan;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.StreamBatch;
import io.kvorum.node.message.PeerMessage.StreamRequest;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.transfer.TransferProgress.RangeProgress;
import io.kvorum.ring.RingDiff.RangeChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.Map;
import java.util.TreeMap;

/**
 * Range transfers (Dynamo §4.9, riak's handoff): both sides of the protocol that moves the ranges of
 * a membership change to the nodes that gain them, as a sans-I/O state machine.
 *
 * <p>Design note. The node that gains a range pulls it: it asks a source for the range's states in
 * key order, a batch at a time ({@link StreamRequest}), merges each batch durably, records the last
 * key as its cursor ({@link TransferProgress}, persisted), and asks for the next. So the receiver
 * sets the pace ({@code transfer.rate}, a bound over all its streams, and {@code transfer.concurrency}),
 * a source keeps no state, and any interruption (a crash of either side, a partition, a source that
 * fails) resumes after the last stored key, from the same source or another. Phases per range:
 * pending (waiting for every live member to see the plan, then for a stream slot), streaming,
 * done; failed while no source can be reached (retried on every tick). Streaming starts only once
 * every live member has seen the plan and {@code settleMillis} more have passed, so every write
 * that a source missed reaches this node as a pending write.
 *
 * <p>Once every range is done, {@link #onTick} reports the plan as streamed (once); the membership
 * announces it, and the change completes when all gainers have. After a change, once the ring has
 * been stable for {@code cleanupDelayMillis}, a node drops the data of ranges it no longer
 * replicates ({@link StorageOp.Purge}).
 */
public final class Transfers {
    /** The public view of one range transfer, as {@code GET /cluster/transfers} shows it. */
    public record View(TokenRange range, Optional<NodeId> from, NodeId to, String reason, String state, long keys,
                       long bytes, double bytesPerSecond, OptionalLong etaSeconds) {}

    private static final long PROGRESS_LOG_MILLIS = 10_000;
    /** The most ranges one request names (a join at 256 vnodes gains that many at most from one source). */
    static final int RANGES_PER_REQUEST_MAX = 256;

    /** A request in flight: its source, its ranges in the order named, and when it was sent. */
    private record Request(NodeId source, List<RangeStream> group, long sentMillis) {}

    private final NodeId self;
    private final TransferSettings settings;
    private final Outbox outbox;
    private final CoreMetrics metrics;
    private final Consumer<TransferProgress> persist;
    private final int maxActors;
    private TransferProgress resumed;
    private ChangePlan plan;
    private List<RangeStream> streams = List.of();
    private final Map<Long, Request> requests = new TreeMap<>();
    private final ToLongFunction<Key> tokenizer;
    private long seenByAllSinceMillis = -1;
    private long nextSendMillis;
    private long pumpTimer = -1;
    private long reportedPlan;
    private long lastLoggedMillis;
    private volatile List<View> views = List.of();
    private final Cleanup cleanup;

    public Transfers(NodeId self, TransferSettings settings, int maxActors, ToLongFunction<Key> tokenizer, Outbox outbox,
                     CoreMetrics metrics, Consumer<TransferProgress> persist, Optional<TransferProgress> resumed) {
        this.self = self;
        this.tokenizer = tokenizer;
        this.maxActors = maxActors;
        this.settings = settings;
        this.outbox = outbox;
        this.metrics = metrics;
        this.persist = persist;
        this.resumed = resumed.orElse(null);
        this.cleanup = new Cleanup(self, settings.cleanupDelayMillis(), outbox, metrics);
    }

    /** The transfers this node receives, for {@code GET /cluster/transfers}; safe from any thread. */
    public List<View> views() {
        return views;
    }

    /**
     * A periodic tick with the plan in flight. Returns the plan's id once when this node has
     * received every range it gains under it.
     *
     * @param seenByAll whether every live member announces it sees the plan
     * @param replicatedNow the ranges this node replicates under the current ring (kept by cleanup),
     *     computed only when a cleanup is due
     */
    public OptionalLong onTick(Optional<ChangePlan> current, boolean seenByAll, Predicate<NodeId> alive,
                               Supplier<List<TokenRange>> replicatedNow) {
        long now = outbox.nowMillis();
        if (current.isEmpty()) {
            if (plan != null) {
                plan = null;
                streams = List.of();
                requests.clear();
                cleanup.changeEnded();
            }
            cleanup.onTick(replicatedNow);
            refreshViews(now);
            return OptionalLong.empty();
        }
        cleanup.changeInFlight();
        if (plan == null || plan.id() != current.get().id()) {
            begin(current.get());
        }
        if (!seenByAll) {
            seenByAllSinceMillis = -1;
        } else if (seenByAllSinceMillis < 0) {
            seenByAllSinceMillis = now;
        }
        for (Map.Entry<Long, Request> entry : List.copyOf(requests.entrySet())) {
            if (now - entry.getValue().sentMillis() >= settings.requestTimeoutMillis()) {
                onFailure(entry.getValue().source(), entry.getKey(), "no answer from " + entry.getValue().source() + " within "
                        + settings.requestTimeoutMillis() + " ms");
            }
        }
        if (seenByAllSinceMillis >= 0 && now - seenByAllSinceMillis >= settings.settleMillis()) {
            pump(alive);
        }
        refreshViews(now);
        if (streams.stream().allMatch(stream -> stream.done) && reportedPlan != plan.id()) {
            reportedPlan = plan.id();
            return OptionalLong.of(plan.id());
        }
        return OptionalLong.empty();
    }

    /** A source's side: read the next batch of the ranges and answer with it. */
    public void serve(NodeId from, StreamRequest request) {
        if (request.ranges().isEmpty() || request.ranges().size() > RANGES_PER_REQUEST_MAX || !TokenRange.disjoint(request.ranges())) {
            outbox.send(from, new ReplicaFailure(request.requestId(), "a stream request needs 1 to " + RANGES_PER_REQUEST_MAX
                    + " disjoint ranges, got " + request.ranges().size()));
            return;
        }
        long maxBytes = Math.min(request.maxBytes(), settings.batchBytes() * 4);
        outbox.storage(new StorageOp.StreamScan(request.ranges(), request.after(), maxBytes), result -> {
            switch (result) {
                case StorageResult.Streamed streamed -> outbox.send(from, new StreamBatch(request.requestId(),
                        streamed.entries(), streamed.rangesDone(), streamed.resumeAfter(), streamed.keysLeft()));
                case StorageResult.Failed failed -> outbox.send(from, new ReplicaFailure(request.requestId(), failed.reason()));
                default -> outbox.send(from, new ReplicaFailure(request.requestId(), "unexpected storage result " + result));
            }
        });
    }

    /** A batch for one of this node's requests. */
    public void onBatch(NodeId from, StreamBatch batch) {
        Request request = requests.get(batch.requestId());
        if (request != null && request.source().equals(from)) {
            received(request, batch);
        }
    }

    /** A failure answer or an unsendable request; false when the request id is not a transfer's. */
    public boolean onFailure(NodeId from, long requestId, String reason) {
        Request request = requests.get(requestId);
        if (request == null || !request.source().equals(from)) {
            return false;
        }
        requests.remove(requestId);
        request.group().forEach(stream -> stream.failed(reason, outbox.nowMillis(), Math.min(1_000, settings.requestTimeoutMillis())));
        return true;
    }

    private void begin(ChangePlan next) {
        plan = next;
        requests.clear();
        seenByAllSinceMillis = -1;
        List<RangeStream> fresh = new ArrayList<>();
        for (RangeChange change : next.gainedBy(self)) {
            Optional<RangeProgress> progress = resumed != null && resumed.planId() == next.id()
                    ? resumed.of(change.range()) : Optional.empty();
            fresh.add(new RangeStream(change, next.sources(change), progress));
        }
        streams = List.copyOf(fresh);
        resumed = null;
        if (!streams.isEmpty()) {
            metrics.transferEvent(self + " gains " + streams.size() + " ranges (" + next.reason().wireName() + " of "
                    + next.subject() + "); streaming starts once every live member has seen the change");
        }
    }

    /**
     * Starts requests for streams that may send, up to the concurrency, within the rate. A stream
     * streamed from the node that loses it takes along the other ranges not yet started that come
     * from that node: a join's hundred small ranges per source then cost a few requests, not one each.
     */
    private void pump(Predicate<NodeId> alive) {
        long now = outbox.nowMillis();
        for (RangeStream stream : streams) {
            if (requests.size() >= settings.concurrency()) {
                break;
            }
            if (stream.done || stream.requestId != 0 || stream.retryAtMillis > now) {
                continue;
            }
            if (now < nextSendMillis) {
                schedulePump(alive);
                break;
            }
            Optional<NodeId> source = stream.nextSource(alive);
            if (source.isEmpty()) {
                stream.lastError = "no live source";
                stream.retryAtMillis = now + settings.requestTimeoutMillis() / 4;
                continue;
            }
            List<RangeStream> group = new ArrayList<>();
            group.add(stream);
            if (stream.exact) {
                for (RangeStream other : streams) {
                    if (group.size() >= RANGES_PER_REQUEST_MAX) {
                        break;
                    }
                    if (other != stream && other.joins(source.get(), now)) {
                        group.add(other);
                    }
                }
            }
            send(source.get(), group, stream.after);
        }
        metrics.transfersActive(requests.size());
    }

    private void send(NodeId source, List<RangeStream> group, Optional<Key> after) {
        long requestId = outbox.newId();
        long now = outbox.nowMillis();
        for (RangeStream member : group) {
            member.requestId = requestId;
            member.source = source;
            if (member.startedMillis < 0) {
                member.startedMillis = now;
            }
        }
        requests.put(requestId, new Request(source, List.copyOf(group), now));
        outbox.send(source, new StreamRequest(requestId, group.stream().map(member -> member.change.range()).toList(),
                after, settings.batchBytes()));
    }

    /** A batch arrived: merge it durably, then move each range of the request on. */
    private void received(Request request, StreamBatch batch) {
        long batchBytes = batch.entries().stream().mapToLong(e -> StorageOp.sizeOf(e.key(), e.state())).sum();
        nextSendMillis = Math.max(nextSendMillis, outbox.nowMillis()) + batchBytes * 1000 / settings.rateBytesPerSecond();
        long id = batch.requestId();
        if (batch.entries().isEmpty()) {
            advance(id, request, batch);
            return;
        }
        outbox.storage(new StorageOp.MergeAll(batch.entries(), maxActors), result -> {
            if (result instanceof StorageResult.Merged) {
                advance(id, request, batch);
            } else if (requests.remove(id) != null) {
                request.group().forEach(stream -> stream.failed("storing a batch failed: " + result, outbox.nowMillis(), Math.min(1_000, settings.requestTimeoutMillis())));
            }
        });
    }

    private void advance(long id, Request request, StreamBatch batch) {
        if (requests.remove(id) == null || plan == null) {
            return; // timed out meanwhile (and asked again), or the plan changed
        }
        List<RangeStream> group = request.group();
        for (KeyState entry : batch.entries()) {
            RangeStream owner = group.stream().filter(stream -> stream.change.range().contains(tokenizer.applyAsLong(entry.key())))
                    .findFirst().orElse(group.get(0));
            owner.keys++;
            owner.bytes += StorageOp.sizeOf(entry.key(), entry.state());
        }
        metrics.transferBatch(request.source(), batch.entries().size(),
                batch.entries().stream().mapToLong(e -> StorageOp.sizeOf(e.key(), e.state())).sum());
        for (int i = 0; i < group.size(); i++) {
            RangeStream stream = group.get(i);
            stream.requestId = 0;
            if (i < batch.rangesDone()) {
                stream.completedFromSource(outbox.nowMillis());
            } else if (i == batch.rangesDone()) {
                stream.after = batch.resumeAfter();
                stream.keysLeft = batch.keysLeft();
            }
        }
        persistProgress();
        logProgress();
        pump(node -> true);
    }

    private void schedulePump(Predicate<NodeId> alive) {
        if (pumpTimer >= 0) {
            return;
        }
        pumpTimer = outbox.newId();
        outbox.setTimer(pumpTimer, nextSendMillis, () -> {
            pumpTimer = -1;
            if (plan != null) {
                pump(alive);
            }
        });
    }

    /** One line every {@value #PROGRESS_LOG_MILLIS} ms while streaming, and one when every range is in. */
    private void logProgress() {
        long now = outbox.nowMillis();
        long doneCount = streams.stream().filter(stream -> stream.done).count();
        boolean all = doneCount == streams.size();
        if (!all && now - lastLoggedMillis < PROGRESS_LOG_MILLIS) {
            return;
        }
        lastLoggedMillis = now;
        long keys = streams.stream().mapToLong(stream -> stream.keys).sum();
        long bytes = streams.stream().mapToLong(stream -> stream.bytes).sum();
        long started = streams.stream().mapToLong(stream -> stream.startedMillis).filter(t -> t >= 0).min().orElse(now);
        double seconds = Math.max(1, now - started) / 1000.0;
        metrics.transferEvent(String.format(java.util.Locale.ROOT, "%s %s %d of %d ranges for the %s of %s: %d keys, %d bytes"
                + " in %.1f s (%.1f MB/s)", self, all ? "received all" : "has received", doneCount, streams.size(),
                plan.reason().wireName(), plan.subject(), keys, bytes, seconds, bytes / seconds / 1e6));
    }

    private void persistProgress() {
        List<RangeProgress> ranges = new ArrayList<>(streams.size());
        for (RangeStream stream : streams) {
            ranges.add(new RangeProgress(stream.change.range(), stream.after, stream.sourcesDone, stream.done, stream.keys,
                    stream.bytes));
        }
        persist.accept(new TransferProgress(plan.id(), ranges));
    }

    private void refreshViews(long now) {
        if (plan == null) {
            views = List.of();
            return;
        }
        List<View> fresh = new ArrayList<>(streams.size());
        for (RangeStream stream : streams) {
            fresh.add(stream.view(now, self, plan.reason().wireName()));
        }
        views = List.copyOf(fresh);
    }
}
