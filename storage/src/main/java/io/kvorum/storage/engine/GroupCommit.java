package io.kvorum.storage.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes appends durable under the {@code always} policy with one fsync shared by every writer
 * waiting at that moment (group commit, as in database write-ahead logs).
 *
 * <p>Each append gets a ticket: the log's total appended byte count after it. A writer whose ticket
 * is not yet durable either waits for the fsync in progress, or, when none is, runs one itself
 * covering everything appended so far, then wakes the others. So N writers arriving together pay
 * about two fsyncs, not N, and no writer returns before an fsync that covers its record.
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

    private final Force force;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private long durable;
    private boolean syncing;
    private IOException failure;
    private long fsyncs;

    GroupCommit(Force force) {
        this.force = force;
    }

    /** Returns once every byte up to {@code ticket} is on disk; throws {@link UncheckedIOException} if that cannot be. */
    void await(long ticket) {
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
        } finally {
            lock.unlock();
        }
    }

    /** One fsync now, for the interval syncer and for close; a no-op when nothing new was appended. */
    void syncNow() {
        lock.lock();
        try {
            while (syncing) {
                done.awaitUninterruptibly();
            }
            checkHealthy();
            lead();
        } finally {
            lock.unlock();
        }
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
            throw new UncheckedIOException("fsync failed; the log accepts no more durable writes", failure);
        }
    }
}
