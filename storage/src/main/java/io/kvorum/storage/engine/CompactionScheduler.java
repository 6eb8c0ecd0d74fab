package io.kvorum.storage.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when a log compacts and paces it: at most one {@link Compactor} at a time, started when a
 * sealed segment is due (after each seal, and on a periodic check for tombstones that expire with
 * no new writes), run as a chain of steps on the {@link BackgroundScheduler} with a pause after
 * each that keeps the read rate under {@code storage.compaction-rate}. No clock is read: the pause
 * is the step's bytes over the rate, so the rate is an upper bound.
 */
final class CompactionScheduler {
    private static final Logger log = LoggerFactory.getLogger(CompactionScheduler.class);
    /** How often to look for segments whose tombstones passed their grace though nothing was written. */
    static final long CHECK_MILLIS = 60_000;

    private final LogStore store;
    private final AtomicBoolean running = new AtomicBoolean();

    CompactionScheduler(LogStore store) {
        this.store = store;
    }

    void schedulePeriodicCheck() {
        store.scheduler().schedule(CHECK_MILLIS, () -> {
            if (!store.closed()) {
                maybeStart();
                schedulePeriodicCheck();
            }
        });
    }

    /** Starts a paced background compaction of the due segments, unless one is running or none is due. */
    void maybeStart() {
        if (store.closed() || !running.compareAndSet(false, true)) {
            return;
        }
        List<Segment> due = dueSegments();
        if (due.isEmpty()) {
            running.set(false);
            return;
        }
        runStep(new Compactor(store, due), 0);
    }

    /** Compacts every due segment now on the caller's thread, unpaced; false when a background one is running. */
    boolean runNow() {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        try {
            List<Segment> due = dueSegments();
            if (!due.isEmpty()) {
                Compactor job = new Compactor(store, due);
                while (!job.step(Long.MAX_VALUE)) {
                    // one unbounded step does it all
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("compaction failed: " + e.getMessage(), e);
        } finally {
            running.set(false);
        }
    }

    private void runStep(Compactor job, long delayMillis) {
        store.scheduler().schedule(delayMillis, () -> {
            boolean done = true;
            try {
                done = store.closed() || job.step(Compactor.STEP_BYTES);
            } catch (IOException | UncheckedIOException e) {
                log.error("compaction failed; its inputs stay", e);
                job.abandon();
            } finally {
                if (done) {
                    running.set(false);
                }
            }
            if (!done) {
                runStep(job, Compactor.STEP_BYTES * 1000 / store.settings().compactionBytesPerSecond());
            }
        });
    }

    /** Sealed segments whose dead share reached the trigger, or whose tombstones have all passed their grace. */
    private List<Segment> dueSegments() {
        long cutoffMillis = store.wallMillis() - store.settings().tombstoneGraceMillis();
        int triggerPercent = store.settings().compactionTriggerPercent();
        List<Segment> due = new ArrayList<>();
        for (Segment s : store.segments()) {
            boolean mostlyDead = s.deadBytes() * 100 >= s.size() * triggerPercent;
            if (s.sealed() && s.size() > 0 && (mostlyDead || s.tombstonesExpiredBefore(cutoffMillis))) {
                due.add(s);
            }
        }
        return due;
    }
}
