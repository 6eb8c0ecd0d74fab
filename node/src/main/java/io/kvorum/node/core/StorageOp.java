package io.kvorum.node.core;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.storage.engine.StorageEngine;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.hint.Hints;
import io.kvorum.storage.merkle.MerkleTree;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A request to the local storage (engine and hint store), executed by the driver (worker pool,
 * inline, or simulated disk).
 */
public sealed interface StorageOp {
    /** Read the key's state. */
    record Read(Key key) implements StorageOp {}

    /** Merge a replica state into the stored one. */
    record Merge(Key key, Siblings incoming, int maxActors) implements StorageOp {}

    /**
     * The coordinator's write: issue a new dot through {@code issuer} and store the new version,
     * unless it would take the key past {@code limits} (then nothing is stored).
     */
    record CoordinateWrite(Key key, DotIssuer issuer, CausalContext clientContext, Optional<Bytes> value,
                           long wallMillis, int maxActors, KeyLimits limits) implements StorageOp {}

    /** Merge many states (handoff, anti-entropy), durable together; reports how many changed. */
    record MergeAll(List<KeyState> entries, int maxActors) implements StorageOp {
        public MergeAll {
            entries = List.copyOf(entries);
        }
    }

    /** Store a hint for its owner durably (refused when the owner's queue is full). */
    record StoreHint(Hint hint) implements StorageOp {}

    /** Load the owner's oldest hints: at most {@code maxCount}, and no more than {@code maxBytes} beyond the first. */
    record LoadHints(NodeId owner, int maxCount, long maxBytes) implements StorageOp {}

    /** Delete delivered hints. */
    record DeleteHints(NodeId owner, List<Long> ids) implements StorageOp {
        public DeleteHints {
            ids = List.copyOf(ids);
        }
    }

    /** Build a Merkle tree of each (disjoint) range from what the engine holds now. */
    record BuildTrees(List<TokenRange> ranges, int depth) implements StorageOp {
        public BuildTrees {
            ranges = List.copyOf(ranges);
        }
    }

    /** The states of the keys in the (disjoint) ranges, at most {@code maxBytes} of them beyond the first. */
    record Scan(List<TokenRange> ranges, long maxBytes) implements StorageOp {
        public Scan {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * Runs an operation; the one place that maps ops to engine and hint-store calls, shared by the
     * runtime and the simulator. Engines report I/O failure as {@link UncheckedIOException}, which
     * becomes {@link StorageResult.Failed}.
     */
    static StorageResult execute(LocalStorage storage, StorageOp op) {
        StorageEngine engine = storage.engine();
        Hints hints = storage.hints();
        ToLongFunction<Key> tokenizer = storage.tokenizer();
        try {
            return switch (op) {
                case Read read -> new StorageResult.Loaded(engine.get(read.key()));
                case Merge merge -> new StorageResult.Loaded(
                        engine.update(merge.key(), current -> current.merge(merge.incoming(), merge.maxActors())));
                case CoordinateWrite write -> coordinate(engine, write);
                case MergeAll all -> mergeAll(engine, all);
                case StoreHint store -> new StorageResult.HintStored(hints.append(store.hint()));
                case LoadHints load -> new StorageResult.HintsLoaded(loadHints(hints, load));
                case DeleteHints delete -> {
                    hints.delete(delete.owner(), delete.ids());
                    yield new StorageResult.Done();
                }
                case BuildTrees build -> new StorageResult.Trees(buildTrees(engine, tokenizer, build));
                case Scan scan -> scan(engine, scan);
            };
        } catch (UncheckedIOException e) {
            return new StorageResult.Failed(describe(op) + ": " + e.getMessage());
        }
    }

    /**
     * Like {@link #execute}, but a coordinated write is reported twice: {@code visible} gets a
     * {@link StorageResult.Written} that is not durable yet as soon as readers can see it (so the
     * coordinator can replicate it at once), and the return value is {@link StorageResult.Durable}
     * once it is synced, or {@link StorageResult.Failed}. Blocks; for worker threads.
     */
    static StorageResult executeOverlapped(LocalStorage storage, StorageOp op, Consumer<StorageResult> visible) {
        if (!(op instanceof CoordinateWrite write)) {
            return execute(storage, op);
        }
        try {
            WriteAdmission admission = new WriteAdmission(write);
            StorageEngine.Deferred deferred = storage.engine().updateDeferred(write.key(), admission::apply);
            if (admission.refused != null) {
                return admission.refused;
            }
            visible.accept(new StorageResult.Written(admission.version, false));
            deferred.awaitDurable().run();
            return new StorageResult.Durable();
        } catch (UncheckedIOException e) {
            return new StorageResult.Failed(describe(op) + ": " + e.getMessage());
        }
    }

    /**
     * Starts a one-key operation on the caller's thread if the engine can do it without waiting
     * (see {@link StorageEngine#updateIfReady}); null when it cannot, with nothing done, and the
     * caller runs it on a worker instead. As in {@link #executeOverlapped}, a coordinated write
     * reports a not yet durable {@link StorageResult.Written} to {@code visible} at once; the
     * returned stage completes with the final result once the change is durable.
     */
    static CompletionStage<StorageResult> startIfReady(LocalStorage storage, StorageOp op, Consumer<StorageResult> visible) {
        StorageEngine engine = storage.engine();
        try {
            switch (op) {
                case Read read -> {
                    Siblings state = engine.getIfReady(read.key());
                    return state == null ? null : CompletableFuture.completedStage(new StorageResult.Loaded(state));
                }
                case Merge merge -> {
                    StorageEngine.Deferred deferred = engine.updateIfReady(merge.key(),
                            current -> current.merge(merge.incoming(), merge.maxActors()));
                    return deferred == null ? null : whenDurable(op, deferred, new StorageResult.Loaded(deferred.state()));
                }
                case CoordinateWrite write -> {
                    WriteAdmission admission = new WriteAdmission(write);
                    StorageEngine.Deferred deferred = engine.updateIfReady(write.key(), admission::apply);
                    if (deferred == null) {
                        return null;
                    }
                    if (admission.refused != null) {
                        return CompletableFuture.completedStage(admission.refused);
                    }
                    visible.accept(new StorageResult.Written(admission.version, false));
                    return whenDurable(op, deferred, new StorageResult.Durable());
                }
                default -> {
                    return null;
                }
            }
        } catch (UncheckedIOException e) {
            return CompletableFuture.completedStage(new StorageResult.Failed(describe(op) + ": " + e.getMessage()));
        }
    }

    private static CompletionStage<StorageResult> whenDurable(StorageOp op, StorageEngine.Deferred deferred, StorageResult result) {
        return deferred.durable().get().handle((ignored, failure) -> failure == null
                ? result
                : new StorageResult.Failed(describe(op) + ": " + rootMessage(failure)));
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return String.valueOf(cause.getMessage());
    }

    /** A rough size of a state on the wire, for the byte bounds of batches. */
    static long sizeOf(Key key, Siblings state) {
        long bytes = key.utf8().length() + 16L * state.context().actorCount() + 16;
        for (Sibling sibling : state.siblings()) {
            bytes += sibling.value().length() + 32L;
        }
        return bytes;
    }

    private static String describe(StorageOp op) {
        return switch (op) {
            case Read read -> read.key().toString();
            case Merge merge -> merge.key().toString();
            case CoordinateWrite write -> write.key().toString();
            case MergeAll all -> "merging " + all.entries().size() + " states";
            case StoreHint store -> "hint for " + store.hint().owner();
            case LoadHints load -> "hints for " + load.owner();
            case DeleteHints delete -> "hints for " + delete.owner();
            case BuildTrees build -> "Merkle trees of " + build.ranges().size() + " ranges";
            case Scan scan -> "scan of " + scan.ranges().size() + " ranges";
        };
    }

    private static StorageResult coordinate(StorageEngine engine, CoordinateWrite write) {
        WriteAdmission admission = new WriteAdmission(write);
        engine.update(write.key(), admission::apply);
        return admission.refused != null ? admission.refused : new StorageResult.Written(admission.version, true);
    }

    /** Appends every merge first and waits for durability once, so a batch costs one sync, not one per key. */
    private static StorageResult mergeAll(StorageEngine engine, MergeAll all) {
        List<Runnable> waits = new ArrayList<>(all.entries().size());
        int changed = 0;
        for (KeyState entry : all.entries()) {
            Siblings[] before = new Siblings[1];
            StorageEngine.Deferred deferred = engine.updateDeferred(entry.key(), current -> {
                before[0] = current;
                return current.merge(entry.state(), all.maxActors());
            });
            if (!deferred.state().equals(before[0])) {
                changed++;
            }
            waits.add(deferred.awaitDurable());
        }
        waits.forEach(Runnable::run);
        return new StorageResult.Merged(changed);
    }

    private static List<Hints.Entry> loadHints(Hints hints, LoadHints load) {
        List<Hints.Entry> loaded = hints.hintsFor(load.owner(), load.maxCount());
        List<Hints.Entry> batch = new ArrayList<>(loaded.size());
        long bytes = 0;
        for (Hints.Entry entry : loaded) {
            bytes += sizeOf(entry.hint().key(), entry.hint().state());
            if (!batch.isEmpty() && bytes > load.maxBytes()) {
                break;
            }
            batch.add(entry);
        }
        return batch;
    }

    /** One scan of the whole engine, each key routed to the range holding its token (ranges are disjoint). */
    private static List<MerkleTree> buildTrees(StorageEngine engine, ToLongFunction<Key> tokenizer, BuildTrees build) {
        List<MerkleTree.Builder> builders = new ArrayList<>(build.ranges().size());
        for (TokenRange range : build.ranges()) {
            builders.add(MerkleTree.builder(range, build.depth()));
        }
        RangeIndex index = new RangeIndex(build.ranges());
        engine.scan(token -> index.find(token) >= 0, (key, state) -> {
            long token = tokenizer.applyAsLong(key);
            builders.get(index.find(token)).add(token, key, state);
        });
        List<MerkleTree> trees = new ArrayList<>(builders.size());
        builders.forEach(builder -> trees.add(builder.build()));
        return trees;
    }

    private static StorageResult scan(StorageEngine engine, Scan scan) {
        RangeIndex index = new RangeIndex(scan.ranges());
        List<KeyState> entries = new ArrayList<>();
        long[] bytes = {0};
        boolean[] complete = {true};
        engine.scan(token -> index.find(token) >= 0, (key, state) -> {
            if (!complete[0]) {
                return;
            }
            bytes[0] += sizeOf(key, state);
            if (!entries.isEmpty() && bytes[0] > scan.maxBytes()) {
                complete[0] = false;
            } else {
                entries.add(new KeyState(key, state));
            }
        });
        return new StorageResult.Scanned(entries, complete[0]);
    }
}
