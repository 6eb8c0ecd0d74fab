package io.kvorum.node.transfer;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.membership.ChangePlan;
import io.kvorum.node.transfer.TransferProgress.RangeProgress;
import io.kvorum.ring.RingDiff.RangeChange;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * One range a node gains in a membership change: where it comes from and how far it got. Owned by
 * {@link Transfers} (one thread); exact mode streams the one node that loses the range, union mode
 * each surviving replica in full.
 */
final class RangeStream {
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
    long retryAtMillis;
    long startedMillis = -1;
    long finishedMillis = -1;
    long keysLeft = -1;
    String lastError = "";

    RangeStream(RangeChange change, ChangePlan.Sources sources, Optional<RangeProgress> progress) {
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

    /** Whether this stream may ride along in a request to {@code exactSource}: not started, and from that node. */
    boolean joins(NodeId exactSource, long now) {
        return !done && requestId == 0 && exact && after.isEmpty() && retryAtMillis <= now
                && sources.exact().get(0).equals(exactSource);
    }

    /** Where the next batch comes from: the node that loses the range while it answers, else the survivors in turn. */
    Optional<NodeId> nextSource(Predicate<NodeId> alive) {
        if (exact) {
            NodeId lost = sources.exact().get(0);
            if (alive.test(lost)) {
                return Optional.of(lost);
            }
            exact = false; // the exact source is gone: the union of the others from here on
            unionStart = after;
        }
        List<NodeId> union = sources.union();
        if (sourcesDone < union.size() && alive.test(union.get(sourcesDone))) {
            return Optional.of(union.get(sourcesDone));
        }
        return Optional.empty(); // wait for it: its copy may hold writes no other has
    }

    /** The current source has sent all of the range. */
    void completedFromSource(long nowMillis) {
        if (exact || ++sourcesDone >= sources.union().size()) {
            done = true;
            finishedMillis = nowMillis;
            keysLeft = 0;
        } else {
            after = unionStart;
        }
    }

    void failed(String reason, long nowMillis, long retryMillis) {
        lastError = reason;
        requestId = 0;
        retryAtMillis = nowMillis + retryMillis;
        if (exact) {
            exact = false; // the node losing the range failed us: the survivors' union, from the cursor on
            unionStart = after;
        }
    }

    Transfers.View view(long now, NodeId self, String reason) {
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
        return new Transfers.View(change.range(), Optional.ofNullable(source).or(() -> sources.exact().stream().findFirst()),
                self, reason, state, keys, bytes, rate, eta);
    }
}
