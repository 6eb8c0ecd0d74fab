package io.kvorum.bench.run;

import io.kvorum.bench.stats.Outcome;
import io.kvorum.bench.workload.KeyChooser;
import io.kvorum.bench.workload.Operation;
import io.kvorum.bench.workload.OperationChooser;
import io.kvorum.bench.workload.RecordFactory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.random.RandomGenerator;

/**
 * One operation stream (a YCSB client thread, without the thread): it issues an operation, and when
 * it completes, the next one, at its pacer's intended time. Its generators are its own, seeded, so it
 * needs no lock; its callbacks run one at a time on an event loop.
 */
final class Worker {

    private static final long TIMER_MIN_NANOS = 1_000_000; // Vert.x timers have millisecond resolution

    private final int id;
    private final Phase phase;
    private final PhaseContext context;
    private final OperationExecutor executor;
    private final RandomGenerator random;
    private final OperationChooser operations;
    private final KeyChooser keys;
    private final Pacer pacer;
    private final Promise<Void> done = Promise.promise();
    private long writes;

    Worker(int id, Phase phase, PhaseContext context, RandomGenerator random, KeyChooser keys, Pacer pacer) {
        this.id = id;
        this.phase = phase;
        this.context = context;
        this.executor = new OperationExecutor(context);
        this.random = random;
        this.operations = new OperationChooser(context.spec(), random);
        this.keys = keys;
        this.pacer = pacer;
    }

    /**
     * Starts the stream on {@code eventLoop}, so every request and callback of this worker stays on
     * one thread (with the connections it opens); the future completes when the budget is spent.
     */
    Future<Void> start(io.vertx.core.Context eventLoop) {
        eventLoop.runOnContext(ignored -> next());
        return done.future();
    }

    private void next() {
        long now = context.clock().getAsLong();
        long intended = pacer.nextIntendedNanos(now);
        if (!context.budget().tryTake(now, intended)) {
            done.tryComplete();
            return;
        }
        long waitNanos = intended - now;
        if (waitNanos > 0) {
            // Round up: a timer that fires early would send before the intended time.
            context.vertx().setTimer(Math.max(1, Math.ceilDiv(waitNanos, TIMER_MIN_NANOS)), timer -> issue(intended));
        } else {
            issue(intended);
        }
    }

    private void issue(long intendedNanos) {
        Operation operation = phase == Phase.LOAD ? Operation.INSERT : operations.next();
        // Latency counts from the intended start even when this send is late (no coordinated
        // omission); the timer above rounds up, so a send is never early.
        execute(operation).onComplete(result -> {
            Outcome outcome = result.succeeded() ? result.result() : Outcome.ofFailure(result.cause());
            context.statsFor(intendedNanos).record(operation, outcome, context.clock().getAsLong() - intendedNanos);
            next();
        });
    }

    private Future<Outcome> execute(Operation operation) {
        return switch (operation) {
            case READ -> executor.read(context.spec().keyName(keys.nextKeyNumber()));
            case UPDATE -> executor.write(context.spec().keyName(keys.nextKeyNumber()), nextTag(), random, true);
            case READ_MODIFY_WRITE ->
                    executor.readModifyWrite(context.spec().keyName(keys.nextKeyNumber()), nextTag(), random);
            case INSERT -> phase == Phase.LOAD ? load() : insert();
        };
    }

    private Future<Outcome> load() {
        long ordinal = context.loadSequence().getAndIncrement();
        return executor.write(context.spec().keyName(ordinal), nextTag(), random, false);
    }

    private Future<Outcome> insert() {
        long ordinal = context.inserts().next();
        return executor.write(context.spec().keyName(ordinal), nextTag(), random, false)
                .onComplete(result -> context.inserts().acknowledge(ordinal));
    }

    private String nextTag() {
        int writer = (phase == Phase.LOAD ? 0x8000 : 0) | id; // unique across both phases of a run
        return RecordFactory.tag(writer, writes++);
    }
}
