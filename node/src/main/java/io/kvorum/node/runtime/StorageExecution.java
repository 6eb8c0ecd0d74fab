package io.kvorum.node.runtime;

import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.node.message.PeerMessage.KeyHash;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.storage.engine.StorageEngine;
import io.kvorum.storage.hint.Hints;
import io.kvorum.storage.merkle.MerkleTree;
import io.kvorum.storage.version.Siblings;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Carries out {@link StorageOp}s against a node's {@link LocalStorage}: the one place that maps the
 * core's storage operations to engine and hint-store calls, shared by the runtime and the simulator.
 * Blocking variants are for worker threads; {@link #startIfReady} runs on the event loop.
 */
public final class StorageExecution {
    private StorageExecution() {}

    /**
     * Runs an operation; the one place that maps ops to engine and hint-store calls, shared by the
     * runtime and the simulator. Engines report I/O failure as {@link UncheckedIOException}, which
     * becomes {@link StorageResult.Failed}.
     */
    public static StorageResult execute(LocalStorage storage, StorageOp op) {
        StorageEngine engine = storage.engine();
        Hints hints = storage.hints();
        ToLongFunction<Key> tokenizer = storage.tokenizer();
        try {
            return switch (op) {
                case StorageOp.Read read -> new StorageResult.Loaded(engine.get(read.key()));
                case StorageOp.Merge merge -> new StorageResult.Loaded(
                        engine.update(merge.key(), current -> current.merge(merge.incoming(), merge.maxActors())));
                case StorageOp.CoordinateWrite write -> coordinate(engine, write);
                case StorageOp.MergeAll all -> mergeAll(engine, all);
                case StorageOp.StoreHint store -> new StorageResult.HintStored(hints.append(store.hint()));
                case StorageOp.LoadHints load -> new StorageResult.HintsLoaded(loadHints(hints, load));
                case StorageOp.DeleteHints delete -> {
                    hints.delete(delete.owner(), delete.ids());
                    yield new StorageResult.Done();
                }
                case StorageOp.BuildTrees build -> buildTrees(engine, build);
                case StorageOp.Digests digests -> digests(engine, digests);
                case StorageOp.ReadStates read -> readStates(engine, read);
                case StorageOp.StreamScan stream -> streamScan(engine, tokenizer, stream);
                case StorageOp.Purge purge -> purge(engine, purge);
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
    public static StorageResult executeOverlapped(LocalStorage storage, StorageOp op, Consumer<StorageResult> visible) {
        if (!(op instanceof StorageOp.CoordinateWrite write)) {
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
    public static CompletionStage<StorageResult> startIfReady(LocalStorage storage, StorageOp op, Consumer<StorageResult> visible) {
        StorageEngine engine = storage.engine();
        try {
            return switch (op) {
                case StorageOp.Read read -> {
                    Siblings state = engine.getIfReady(read.key());
                    yield state == null ? null : CompletableFuture.completedStage(new StorageResult.Loaded(state));
                }
                case StorageOp.Merge merge -> {
                    StorageEngine.Deferred deferred = engine.updateIfReady(merge.key(),
                            current -> current.merge(merge.incoming(), merge.maxActors()));
                    yield deferred == null ? null : whenDurable(op, deferred, new StorageResult.Loaded(deferred.state()));
                }
                case StorageOp.CoordinateWrite write -> coordinateIfReady(engine, write, visible);
                // Many keys or the hint store: always a worker's job.
                case StorageOp.MergeAll all -> null;
                case StorageOp.StoreHint store -> null;
                case StorageOp.LoadHints load -> null;
                case StorageOp.DeleteHints delete -> null;
                case StorageOp.BuildTrees build -> null;
                case StorageOp.Digests digests -> null;
                case StorageOp.ReadStates read -> null;
                case StorageOp.StreamScan stream -> null;
                case StorageOp.Purge purge -> null;
            };
        } catch (UncheckedIOException e) {
            return CompletableFuture.completedStage(new StorageResult.Failed(describe(op) + ": " + e.getMessage()));
        }
    }

    private static CompletionStage<StorageResult> coordinateIfReady(StorageEngine engine, StorageOp.CoordinateWrite write,
                                                                    Consumer<StorageResult> visible) {
        WriteAdmission admission = new WriteAdmission(write);
        StorageEngine.Deferred deferred = engine.updateIfReady(write.key(), admission::apply);
        if (deferred == null) {
            return null;
        }
        if (admission.refused != null) {
            return CompletableFuture.completedStage(admission.refused);
        }
        visible.accept(new StorageResult.Written(admission.version, false));
        return whenDurable(write, deferred, new StorageResult.Durable());
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

    private static String describe(StorageOp op) {
        return switch (op) {
            case StorageOp.Read read -> read.key().toString();
            case StorageOp.Merge merge -> merge.key().toString();
            case StorageOp.CoordinateWrite write -> write.key().toString();
            case StorageOp.MergeAll all -> "merging " + all.entries().size() + " states";
            case StorageOp.StoreHint store -> "hint for " + store.hint().owner();
            case StorageOp.LoadHints load -> "hints for " + load.owner();
            case StorageOp.DeleteHints delete -> "hints for " + delete.owner();
            case StorageOp.BuildTrees build -> "Merkle trees of " + build.ranges().size() + " ranges";
            case StorageOp.Digests digests -> "key hashes of " + digests.ranges().size() + " ranges";
            case StorageOp.ReadStates read -> "reading " + read.keys().size() + " states";
            case StorageOp.StreamScan stream -> "transfer batch of " + stream.ranges().size() + " ranges";
            case StorageOp.Purge purge -> "cleanup outside " + purge.keep().size() + " ranges";
        };
    }

    private static StorageResult coordinate(StorageEngine engine, StorageOp.CoordinateWrite write) {
        WriteAdmission admission = new WriteAdmission(write);
        engine.update(write.key(), admission::apply);
        return admission.refused != null ? admission.refused : new StorageResult.Written(admission.version, true);
    }

    /** Appends every merge first and waits for durability once, so a batch costs one sync, not one per key. */
    private static StorageResult mergeAll(StorageEngine engine, StorageOp.MergeAll all) {
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

    private static List<Hints.Entry> loadHints(Hints hints, StorageOp.LoadHints load) {
        List<Hints.Entry> loaded = hints.hintsFor(load.owner(), load.maxCount());
        List<Hints.Entry> batch = new ArrayList<>(loaded.size());
        long bytes = 0;
        for (Hints.Entry entry : loaded) {
            bytes += StorageOp.sizeOf(entry.hint().key(), entry.hint().state());
            if (!batch.isEmpty() && bytes > load.maxBytes()) {
                break;
            }
            batch.add(entry);
        }
        return batch;
    }

    /**
     * One pass over the engine's keys, each routed to the range holding its token (ranges are
     * disjoint), by the entry hashes the engine keeps: only states written since the last build are read.
     */
    private static StorageResult.Trees buildTrees(StorageEngine engine, StorageOp.BuildTrees build) {
        long[] keys = {0};
        List<MerkleTree.Builder> builders = new ArrayList<>(build.ranges().size());
        for (TokenRange range : build.ranges()) {
            builders.add(MerkleTree.builder(range, build.depth()));
        }
        RangeIndex index = new RangeIndex(build.ranges());
        engine.forEachDigest(token -> index.find(token) >= 0, (key, token, newestWallMillis, entryHigh, entryLow) -> {
            if (build.recent().contains(newestWallMillis)) {
                return; // written in the last seconds: maybe still on its way to the peer (see RecentWrites)
            }
            builders.get(index.find(token)).addEntry(token, entryHigh, entryLow);
            keys[0]++;
        });
        List<MerkleTree> trees = new ArrayList<>(builders.size());
        builders.forEach(builder -> trees.add(builder.build()));
        return new StorageResult.Trees(trees, keys[0]);
    }

    /**
     * One transfer batch: the requested ranges' keys, found in one pass and sorted per range (only
     * keys: states are read for the batch alone), then states range by range until the byte bound.
     */
    private static StorageResult streamScan(StorageEngine engine, ToLongFunction<Key> tokenizer, StorageOp.StreamScan stream) {
        RangeIndex index = new RangeIndex(stream.ranges());
        List<List<Key>> perRange = new ArrayList<>();
        stream.ranges().forEach(range -> perRange.add(new ArrayList<>()));
        engine.forEachKey(token -> index.find(token) >= 0, key -> {
            int at = index.find(tokenizer.applyAsLong(key));
            if (at > 0 || stream.after().isEmpty() || key.compareTo(stream.after().get()) > 0) {
                perRange.get(at).add(key);
            }
        });
        long total = perRange.stream().mapToLong(List::size).sum();
        List<KeyState> entries = new ArrayList<>();
        long bytes = 0;
        long seen = 0;
        for (int r = 0; r < perRange.size(); r++) {
            List<Key> keys = perRange.get(r);
            keys.sort(null);
            Optional<Key> last = Optional.empty();
            for (Key key : keys) {
                Siblings state = engine.get(key);
                if (state.equals(Siblings.EMPTY)) {
                    seen++;
                    continue; // removed since the key list was taken
                }
                bytes += StorageOp.sizeOf(key, state);
                if (!entries.isEmpty() && bytes > stream.maxBytes()) {
                    return new StorageResult.Streamed(entries, r, r == 0 ? last.or(stream::after) : last, total - seen);
                }
                entries.add(new KeyState(key, state));
                last = Optional.of(key);
                seen++;
            }
        }
        return new StorageResult.Streamed(entries, perRange.size(), Optional.empty(), 0);
    }

    /** Removes keys outside every kept range, without tombstones: their new owners hold them. */
    private static StorageResult purge(StorageEngine engine, StorageOp.Purge purge) {
        RangeIndex index = new RangeIndex(purge.keep());
        List<Key> outside = new ArrayList<>();
        engine.forEachKey(token -> index.find(token) < 0, key -> {
            if (outside.size() < purge.maxKeys()) {
                outside.add(key);
            }
        });
        for (Key key : outside) {
            engine.update(key, state -> Siblings.EMPTY);
        }
        return new StorageResult.Merged(outside.size());
    }

    /**
     * One pass over the engine's keys by the entry hashes it keeps (as {@link #buildTrees}: only
     * states written since the last pass are read), each routed to the range holding its token.
     */
    private static StorageResult.Digested digests(StorageEngine engine, StorageOp.Digests digests) {
        RangeIndex index = new RangeIndex(digests.ranges());
        List<List<KeyHash>> perRange = new ArrayList<>(digests.ranges().size());
        digests.ranges().forEach(range -> perRange.add(new ArrayList<>()));
        engine.forEachDigest(token -> index.find(token) >= 0, (key, token, newestWallMillis, entryHigh, entryLow) -> {
            if (!digests.recent().contains(newestWallMillis)) {
                perRange.get(index.find(token)).add(new KeyHash(key, entryHigh, entryLow));
            }
        });
        perRange.forEach(hashes -> hashes.sort(Comparator.comparing(KeyHash::key)));
        return new StorageResult.Digested(perRange);
    }

    private static StorageResult.StatesRead readStates(StorageEngine engine, StorageOp.ReadStates read) {
        List<KeyState> entries = new ArrayList<>();
        long bytes = 0;
        for (Key key : read.keys()) {
            Siblings state = engine.get(key);
            if (state.equals(Siblings.EMPTY)) {
                continue; // removed since it was listed
            }
            bytes += StorageOp.sizeOf(key, state);
            if (!entries.isEmpty() && bytes > read.maxBytes()) {
                return new StorageResult.StatesRead(entries, false);
            }
            entries.add(new KeyState(key, state));
        }
        return new StorageResult.StatesRead(entries, true);
    }
}
