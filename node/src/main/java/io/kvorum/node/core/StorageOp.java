package io.kvorum.node.core;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.storage.engine.StorageEngine;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Siblings;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** A request to the local storage engine, executed by the driver (worker pool, inline, or simulated disk). */
public sealed interface StorageOp {
    Key key();

    /** Read the key's state. */
    record Read(Key key) implements StorageOp {}

    /** Merge a replica state into the stored one. */
    record Merge(Key key, Siblings incoming, int maxActors) implements StorageOp {}

    /** The coordinator's write: issue a new dot through {@code issuer} and store the new version. */
    record CoordinateWrite(Key key, DotIssuer issuer, CausalContext clientContext, Optional<Bytes> value,
                           long wallMillis, int maxActors) implements StorageOp {}

    /**
     * Runs an operation against an engine; the one place that maps ops to engine calls, shared by
     * the runtime and the simulator. Engines report I/O failure as {@link UncheckedIOException},
     * which becomes {@link StorageResult.Failed}.
     */
    static StorageResult execute(StorageEngine engine, StorageOp op) {
        try {
            return switch (op) {
                case Read read -> new StorageResult.Loaded(engine.get(read.key()));
                case Merge merge -> new StorageResult.Loaded(
                        engine.update(merge.key(), current -> current.merge(merge.incoming(), merge.maxActors())));
                case CoordinateWrite write -> coordinate(engine, write);
            };
        } catch (UncheckedIOException e) {
            return new StorageResult.Failed(op.key() + ": " + e.getMessage());
        }
    }

    /**
     * Like {@link #execute}, but a coordinated write is reported twice: {@code visible} gets a
     * {@link StorageResult.Written} that is not durable yet as soon as readers can see it (so the
     * coordinator can replicate it at once), and the return value is {@link StorageResult.Durable}
     * once it is synced, or {@link StorageResult.Failed}. Blocks; for worker threads.
     */
    static StorageResult executeOverlapped(StorageEngine engine, StorageOp op, Consumer<StorageResult> visible) {
        if (!(op instanceof CoordinateWrite write)) {
            return execute(engine, op);
        }
        try {
            Siblings.NewVersion[] outcome = new Siblings.NewVersion[1];
            StorageEngine.Deferred deferred = engine.updateDeferred(write.key(), change(write, outcome));
            visible.accept(new StorageResult.Written(outcome[0], false));
            deferred.awaitDurable().run();
            return new StorageResult.Durable();
        } catch (UncheckedIOException e) {
            return new StorageResult.Failed(op.key() + ": " + e.getMessage());
        }
    }

    private static StorageResult coordinate(StorageEngine engine, CoordinateWrite write) {
        Siblings.NewVersion[] outcome = new Siblings.NewVersion[1];
        engine.update(write.key(), change(write, outcome));
        return new StorageResult.Written(outcome[0], true);
    }

    /** The coordinator's write as an engine change; the engine may apply it more than once, so keep the last outcome. */
    private static UnaryOperator<Siblings> change(CoordinateWrite write, Siblings.NewVersion[] outcome) {
        return current -> {
            outcome[0] = current.write(write.issuer(), write.clientContext(), write.value(), write.wallMillis(), write.maxActors());
            return outcome[0].state();
        };
    }
}
