package io.kvorum.storage.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Makes appends durable under the {@code always} policy with one fsync shared by every writer
 * waiting at that moment (group commit, as in database write-ahead logs).
 *
 * <p>Each append gets a ticket: the log's total appended byte count after it. A writer whose ticket
 * is not yet durable either waits for the fsync in progress, or, when none is, runs one itself
 * covering everything appended so far, then wakes the others. So N writers arriving together pay
 * about two fsyncs, not N, and no writer returns before an fsync that covers its record.
 *
 * <p>A writer that must not block (an event loop) asks {@link #whenDurable} instead: its ticket
 * waits in a queue, and one sync task on the background scheduler runs the fsync for everything
 * queued so far and completes the covered tickets, so the event loop never waits for the disk.
 * That task starts {@code windowMillis} after the first ticket queues ({@code storage.sync-window},
 * Cassandra's group window): writes arriving meanwhile share its fsync. Measured on YCSB A with
 * three nodes (issue 16), 1 ms halved the fsyncs and cut node CPU per operation by a sixth, since
 * otherwise an idle sync task starts an fsync for a lone write and the next ones queue behind it;
 * 2 ms (the default) took a third fewer fsyncs again and about a tenth less node CPU.
 * The window is waited only when another write asked for durability within the last window
 * (PostgreSQL's commit_delay, which waits only while other transactions are active): a write to a
 * log that has been idle that long is unlikely to find company, so it syncs at once instead of
 * adding the window to its latency. Either kind of sync completes the queued tickets it covers.
 *
 * <p>A failed fsync poisons the log: after it, the kernel may have dropped the dirty pages
 * (PostgreSQL's "fsyncgate"), so no later ticket can be promised durable and every wait fails.
 */
final class GroupCommit {
    /** Forces the active segment and returns the appended byte count that the force covered. */
    @FunctionalInterface
    interface Force {
        long forceActive() throws IOException;
    }

    private record Waiter(long ticket, CompletableFuture<Void> durable) {}

    private final Force force;
    private final BackgroundScheduler scheduler;
    private final long windowMillis;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    /** When a writer last asked for durability ({@link #whenDurable}), on {@code nanoClock}; guarded by {@code lock}. */
    private long lastAskNanos;
    /** Non-blocking writers' tickets not yet durable, smallest first. Guarded by {@code lock}. */
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.ticket(), b.ticket()));
    private boolean syncTaskQueued;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private long durable;
    private boolean syncing;
    private IOException failure;
    private long fsyncs;

    /** {@code nanoClock} (monotonic nanoseconds) tells how long the log has been idle. */
    GroupCommit(Force force, BackgroundScheduler scheduler, long windowMillis, LongSupplier nanoClock) {
        this.force = force;
        this.scheduler = scheduler;
        this.windowMillis = windowMillis;
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis);
        this.nanoClock = nanoClock;
        this.lastAskNanos = nanoClock.getAsLong() - windowNanos - 1; // idle since before it opened
    }

    /**
     * Completes once every byte up to {@code ticket} is on disk, or exceptionally with
     * {@link UncheckedIOException} if that cannot be; never blocks the caller.
     */
    CompletionStage<Void> whenDurable(long ticket) {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            boolean busy = now - lastAskNanos <= windowNanos;
            lastAskNanos = now;
            if (failure != null) {
                return CompletableFuture.failedStage(failed());
            }
            if (durable >= ticket) {
                return StorageEngine.DURABLE;
            }
            CompletableFuture<Void> future = new CompletableFuture<>();
            waiters.add(new Waiter(ticket, future));
            if (!syncTaskQueued) {
                syncTaskQueued = true;
                scheduler.schedule(busy ? windowMillis : 0, this::syncForWaiters);
            }
            return future;
        } finally {
            lock.unlock();
        }
    }

    /** The background task behind {@link #whenDurable}: one fsync (or a wait for one in progress) for the queued tickets. */
    private void syncForWaiters() {
        List<Runnable> completions;
        lock.lock();
        try {
            syncTaskQueued = false;
            while (syncing) {
                done.awaitUninterruptibly();
            }
            Waiter first = waiters.peek();
            RuntimeException unexpected = null;
            if (first != null && first.ticket() > durable && failure == null) {
                try {
                    lead();
                } catch (UncheckedIOException e) {
                    // recorded in failure: every queued ticket fails below
                } catch (RuntimeException e) {
                    unexpected = e; // the log was closed under the queued writers
                }
            }
            completions = takeCovered(unexpected);
            if (!waiters.isEmpty() && !syncTaskQueued) {
                syncTaskQueued = true; // tickets appended during the fsync: another round
                scheduler.schedule(0, this::syncForWaiters);
            }
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    /**
     * Takes the queued tickets that are settled: durable ones succeed; after a failure of the log
     * (or {@code unexpected}) every other one fails. Called with the lock held; the returned
     * completions run after it is released, because their callbacks are the callers' code.
     */
    private List<Runnable> takeCovered(RuntimeException unexpected) {
        if (waiters.isEmpty()) {
            return List.of(); // the common case of a blocking writer: no allocation
        }
        List<Runnable> completions = new ArrayList<>();
        while (!waiters.isEmpty()) {
            Waiter waiter = waiters.peek();
            if (waiter.ticket() <= durable) {
                completions.add(() -> waiter.durable().complete(null));
            } else if (failure != null || unexpected != null) {
                RuntimeException cause = failure != null ? failed() : unexpected;
                completions.add(() -> waiter.durable().completeExceptionally(cause));
            } else {
                break;
            }
            waiters.poll();
        }
        return completions;
    }

    /** Returns once every byte up to {@code ticket} is on disk; throws {@link UncheckedIOException} if that cannot be. */
    void await(long ticket) {
        List<Runnable> completions = List.of();
        lock.lock();
        try {
            while (durable < ticket) {
                checkHealthy();
                if (syncing) {
                    done.awaitUninterruptibly();
                } else {
                    lead();
                }
            }
            completions = takeCovered(null);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    /** One fsync now, for the interval syncer and for close; a no-op when nothing new was appended. */
    void syncNow() {
        List<Runnable> completions = List.of();
        lock.lock();
        try {
            while (syncing) {
                done.awaitUninterruptibly();
            }
            checkHealthy();
            lead();
            completions = takeCovered(null);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    long fsyncs() {
        lock.lock();
        try {
            return fsyncs;
        } finally {
            lock.unlock();
        }
    }

    /** Runs one fsync with the lock released, so later writers can queue behind it. Called with the lock held. */
    private void lead() {
        syncing = true;
        lock.unlock();
        long covered = -1;
        IOException error = null;
        try {
            covered = force.forceActive();
        } catch (IOException e) {
            error = e;
        } finally {
            lock.lock();
            syncing = false;
            // Wake the waiters whatever happened (even an unchecked failure of a closed log), or
            // writers parked uninterruptibly behind this sync would wait forever.
            done.signalAll();
        }
        if (error != null) {
            failure = error;
        } else {
            durable = Math.max(durable, covered);
            fsyncs++;
        }
        checkHealthy();
    }

    private void checkHealthy() {
        if (failure != null) {
            throw failed();
        }
    }

    private UncheckedIOException failed() {
        return new UncheckedIOException("fsync failed; the log accepts no more durable writes", failure);
    }
}
