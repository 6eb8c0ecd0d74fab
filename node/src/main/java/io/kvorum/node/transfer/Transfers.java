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
    private static final int PURGE_BATCH_KEYS = 10_000;

    private final NodeId self;
    private final TransferSettings settings;
    private final Outbox outbox;
    private final CoreMetrics metrics;
    private final Consumer<TransferProgress> persist;
    private final int maxActors;
    private TransferProgress resumed;
    private ChangePlan plan;
    private List<Stream> streams = List.of();
    private long seenByAllSinceMillis = -1;
    private long nextSendMillis;
    private long pumpTimer = -1;
    private long reportedPlan;
    private long lastLoggedMillis;
    private volatile List<View> views = List.of();
    /** Cleanup: armed when a change completes, fired once the ring has been stable long enough. */
    private long cleanupAtMillis = -1;
    private Optional<List<TokenRange>> cleanupKeep = Optional.empty();
    private boolean purging;

    public Transfers(NodeId self, TransferSettings settings, int maxActors, Outbox outbox, CoreMetrics metrics,
                     Consumer<TransferProgress> persist, Optional<TransferProgress> resumed) {
        this.self = self;
        this.maxActors = maxActors;
        this.settings = settings;
        this.outbox = outbox;
        this.metrics = metrics;
        this.persist = persist;
        this.resumed = resumed.orElse(null);
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
     * @param replicatedNow the ranges this node replicates under the current ring (kept by cleanup)
     */
    public OptionalLong onTick(Optional<ChangePlan> current, boolean seenByAll, Predicate<NodeId> alive,
                               List<TokenRange> replicatedNow) {
        long now = outbox.nowMillis();
        if (current.isEmpty()) {
            if (plan != null) {
                plan = null;
                streams = List.of();
                cleanupAtMillis = now + settings.cleanupDelayMillis();
            }
            maybeCleanup(now, replicatedNow);
            refreshViews(now);
            return OptionalLong.empty();
        }
        cleanupAtMillis = -1; // a new change: the ring is not stable
        if (plan == null || plan.id() != current.get().id()) {
            begin(current.get());
        }
        if (!seenByAll) {
            seenByAllSinceMillis = -1;
        } else if (seenByAllSinceMillis < 0) {
            seenByAllSinceMillis = now;
        }
        for (Stream stream : streams) {
            stream.checkTimeout(now);
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

    /** A source's side: read the next batch of the range and answer with it. */
    public void serve(NodeId from, StreamRequest request) {
        long maxBytes = Math.min(request.maxBytes(), settings.batchBytes() * 4);
        outbox.storage(new StorageOp.StreamScan(request.range(), request.after(), maxBytes), result -> {
            switch (result) {
                case StorageResult.Streamed streamed ->
                        outbox.send(from, new StreamBatch(request.requestId(), streamed.entries(), streamed.keysLeft()));
                case StorageResult.Failed failed -> outbox.send(from, new ReplicaFailure(request.requestId(), failed.reason()));
                default -> outbox.send(from, new ReplicaFailure(request.requestId(), "unexpected storage result " + result));
            }
        });
    }

    /** A batch for one of this node's streams. */
    public void onBatch(NodeId from, StreamBatch batch) {
        for (Stream stream : streams) {
            if (batch.requestId() != 0 && stream.requestId == batch.requestId() && from.equals(stream.source)) {
                stream.received(batch);
                return;
            }
        }
    }

    /** A failure answer or an unsendable request; false when the request id is not a transfer's. */
    public boolean onFailure(NodeId from, long requestId, String reason) {
        for (Stream stream : streams) {
            if (requestId != 0 && stream.requestId == requestId && from.equals(stream.source)) {
                stream.failed(reason);
                return true;
            }
        }
        return false;
    }

    private void begin(ChangePlan next) {
        plan = next;
        seenByAllSinceMillis = -1;
        List<Stream> fresh = new ArrayList<>();
        for (RangeChange change : next.gainedBy(self)) {
            Optional<RangeProgress> progress = resumed != null && resumed.planId() == next.id()
                    ? resumed.of(change.range()) : Optional.empty();
            fresh.add(new Stream(change, next.sources(change), progress));
        }
        streams = List.copyOf(fresh);
        resumed = null;
        if (!streams.isEmpty()) {
            metrics.transferEvent(self + " gains " + streams.size() + " ranges (" + next.reason().wireName() + " of "
                    + next.subject() + "); streaming starts once every live member has seen the change");
        }
    }

    /** Starts requests for streams that may send, up to the concurrency, within the rate. */
    private void pump(Predicate<NodeId> alive) {
        long now = outbox.nowMillis();
        int active = (int) streams.stream().filter(stream -> stream.requestId != 0).count();
        for (Stream stream : streams) {
            if (active >= settings.concurrency()) {
                break;
            }
            if (stream.done || stream.requestId != 0 || stream.retryAtMillis > now) {
                continue;
            }
            if (now < nextSendMillis) {
                schedulePump(alive);
                return;
            }
            if (stream.request(alive)) {
                active++;
            }
        }
        metrics.transfersActive(active);
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
        for (Stream stream : streams) {
            ranges.add(new RangeProgress(stream.change.range(), stream.after, stream.sourcesDone, stream.done, stream.keys,
                    stream.bytes));
        }
        persist.accept(new TransferProgress(plan.id(), ranges));
    }

    private void maybeCleanup(long now, List<TokenRange> replicatedNow) {
        if (cleanupAtMillis < 0 || now < cleanupAtMillis || purging || replicatedNow.isEmpty()) {
            return;
        }
        cleanupAtMillis = -1;
        cleanupKeep = Optional.of(List.copyOf(replicatedNow));
        purgeNext(0);
    }

    private void purgeNext(long purgedSoFar) {
        purging = true;
        outbox.storage(new StorageOp.Purge(cleanupKeep.orElseThrow(), PURGE_BATCH_KEYS), result -> {
            purging = false;
            if (result instanceof StorageResult.Merged merged && merged.changed() > 0 && cleanupAtMillis < 0 && plan == null) {
                metrics.keysPurged(merged.changed());
                purgeNext(purgedSoFar + merged.changed());
            } else if (purgedSoFar > 0 || result instanceof StorageResult.Merged m && m.changed() > 0) {
                long total = purgedSoFar + (result instanceof StorageResult.Merged m2 ? m2.changed() : 0);
                metrics.transferEvent(self + " cleanup dropped " + total + " keys of ranges it no longer replicates");
            }
        });
    }

    private void refreshViews(long now) {
        if (plan == null) {
            views = List.of();
            return;
        }
        List<View> fresh = new ArrayList<>(streams.size());
        for (Stream stream : streams) {
            fresh.add(stream.view(now));
        }
        views = List.copyOf(fresh);
    }

    /** One range this node gains: where it comes from and how far it got. */
    private final class Stream {
        final RangeChange change;
        final ChangePlan.Sources sources;
        Optional<Key> after;
        /** Exact mode: stream the one node that loses the range; else each union source in full. */
        boolean exact;
        Optional<Key> unionStart = Optional.empty();
        int sourcesDone;
        boolean done;
        long keys;
        long bytes;
        NodeId source;
        long requestId;
        long sentMillis;
        long retryAtMillis;
        long startedMillis = -1;
        long finishedMillis = -1;
        long keysLeft = -1;
        String lastError = "";

        Stream(RangeChange change, ChangePlan.Sources sources, Optional<RangeProgress> progress) {
            this.change = change;
            this.sources = sources;
            this.exact = !sources.exact().isEmpty();
            this.after = progress.flatMap(RangeProgress::after);
            this.sourcesDone = progress.map(RangeProgress::sourcesDone).orElse(0);
            this.done = progress.map(RangeProgress::done).orElse(false);
            this.keys = progress.map(RangeProgress::keys).orElse(0L);
            this.bytes = progress.map(RangeProgress::bytes).orElse(0L);
            if (sourcesDone > 0) {
                exact = false;
            }
            if (!exact && sources.union().isEmpty()) {
                done = true; // no surviving copy anywhere: nothing to stream
            }
        }

        /** Sends the next request to a live source; false when none is reachable now. */
        boolean request(Predicate<NodeId> alive) {
            Optional<NodeId> next = nextSource(alive);
            if (next.isEmpty()) {
                lastError = "no live source";
                retryAtMillis = outbox.nowMillis() + settings.requestTimeoutMillis() / 4;
                return false;
            }
            if (startedMillis < 0) {
                startedMillis = outbox.nowMillis();
            }
            source = next.get();
            requestId = outbox.newId();
            sentMillis = outbox.nowMillis();
            outbox.send(source, new StreamRequest(requestId, change.range(), after, settings.batchBytes()));
            return true;
        }

        private Optional<NodeId> nextSource(Predicate<NodeId> alive) {
            if (exact) {
                NodeId lost = sources.exact().get(0);
                if (alive.test(lost)) {
                    return Optional.of(lost);
                }
                exact = false; // the exact source is gone: the union of the others from here on
                unionStart = after;
            }
            List<NodeId> union = sources.union();
            while (sourcesDone < union.size()) {
                NodeId candidate = union.get(sourcesDone);
                if (alive.test(candidate)) {
                    return Optional.of(candidate);
                }
                return Optional.empty(); // wait for it: its copy may hold writes no other has
            }
            return Optional.empty();
        }

        void received(StreamBatch batch) {
            long id = requestId;
            List<KeyState> entries = batch.entries();
            long batchBytes = entries.stream().mapToLong(e -> StorageOp.sizeOf(e.key(), e.state())).sum();
            keysLeft = batch.keysLeft();
            long now = outbox.nowMillis();
            nextSendMillis = Math.max(nextSendMillis, now) + batchBytes * 1000 / settings.rateBytesPerSecond();
            if (entries.isEmpty()) {
                advance(id, batch.complete(), entries, 0);
                return;
            }
            outbox.storage(new StorageOp.MergeAll(entries, maxActors), result -> {
                if (requestId != id) {
                    return; // timed out meanwhile and asked again: the next answer carries on
                }
                if (result instanceof StorageResult.Merged) {
                    advance(id, batch.complete(), entries, batchBytes);
                } else {
                    failed("storing a batch failed: " + result);
                }
            });
        }

        private void advance(long id, boolean complete, List<KeyState> entries, long batchBytes) {
            if (requestId != id || plan == null) {
                return;
            }
            requestId = 0;
            keys += entries.size();
            bytes += batchBytes;
            metrics.transferBatch(source, entries.size(), batchBytes);
            if (!entries.isEmpty()) {
                after = Optional.of(entries.get(entries.size() - 1).key());
            }
            if (complete) {
                if (exact || ++sourcesDone >= sources.union().size()) {
                    done = true;
                    finishedMillis = outbox.nowMillis();
                } else {
                    after = unionStart;
                }
            }
            persistProgress();
            logProgress();
            pump(node -> true);
        }

        void failed(String reason) {
            lastError = reason;
            requestId = 0;
            retryAtMillis = outbox.nowMillis() + Math.min(1_000, settings.requestTimeoutMillis());
            if (exact) {
                exact = false; // the node losing the range failed us: the survivors' union, from the cursor on
                unionStart = after;
            }
        }

        void checkTimeout(long now) {
            if (requestId != 0 && now - sentMillis >= settings.requestTimeoutMillis()) {
                failed("no answer from " + source + " within " + settings.requestTimeoutMillis() + " ms");
            }
        }

        View view(long now) {
            String state;
            if (done) {
                state = "done";
            } else if (requestId != 0) {
                state = "streaming";
            } else if (startedMillis >= 0 && !lastError.isEmpty()) {
                state = "failed";
            } else {
                state = startedMillis >= 0 ? "streaming" : "pending";
            }
            double seconds = startedMillis < 0 ? 0 : Math.max(1, (finishedMillis >= 0 ? finishedMillis : now) - startedMillis) / 1000.0;
            double rate = seconds == 0 ? 0 : bytes / seconds;
            double keysPerSecond = seconds == 0 ? 0 : keys / seconds;
            OptionalLong eta = done ? OptionalLong.of(0)
                    : keysLeft >= 0 && keysPerSecond > 0 ? OptionalLong.of((long) Math.ceil(keysLeft / keysPerSecond)) : OptionalLong.empty();
            return new View(change.range(), Optional.ofNullable(source).or(() -> sources.exact().stream().findFirst()),
                    self, plan.reason().wireName(), state, keys, bytes, rate, eta);
        }
    }
}
