package io.kvorum.client;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which failures are tried again, how often and after what back-off. Each retry goes to the next
 * candidate node (the next replica of the key, or the next node round-robin).
 *
 * <p>Reads are always safe to repeat. A write is repeated only after a failure that proves it was
 * never sent ({@link Failure#CONNECT}, {@link Failure#SHUTTING_DOWN}) unless {@code retryWrites} is
 * set: a write that timed out or got {@code 503 unavailable} may still have been stored on some
 * replicas (Dynamo §4.5), and sending it again stores it twice, which for a write without a context
 * (or with an old one) leaves one more sibling.
 *
 * @param maxRetries      retries after the first attempt (0: none)
 * @param initialBackoff  the wait before the first retry; doubled for each further one
 * @param maxBackoff      the most one wait may be
 * @param on              the failures that are retried
 * @param retryWrites     whether writes are retried after failures that do not prove they were never sent
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Set<Failure> on, boolean retryWrites) {

    /** A kind of failure a retry policy may retry. */
    public enum Failure {
        /** The connection could not be opened: the request was never sent. */
        CONNECT,
        /** The node answered {@code 503} because it is shutting down: it did not take the request. */
        SHUTTING_DOWN,
        /** The connection broke while the request was in flight. */
        CONNECTION_LOST,
        /** No answer within the request's timeout. */
        TIMEOUT,
        /** {@code 503 unavailable}: the coordinator reached too few replicas. */
        UNAVAILABLE
    }

    /**
     * The default: up to 2 retries, after 10 ms and 20 ms; reads after a refused connection, a node
     * shutting down, a broken connection or a timeout; writes only after the first two.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(1),
            EnumSet.of(Failure.CONNECT, Failure.SHUTTING_DOWN, Failure.CONNECTION_LOST, Failure.TIMEOUT), false);

    /** No retries at all. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO, EnumSet.noneOf(Failure.class), false);

    /** Validates and copies. */
    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        if (initialBackoff == null || initialBackoff.isNegative() || maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initialBackoff <= maxBackoff, got "
                    + initialBackoff + " and " + maxBackoff);
        }
        on = on.isEmpty() ? EnumSet.noneOf(Failure.class) : EnumSet.copyOf(on);
    }

    /** Whether attempt {@code retry} (1-based) may follow {@code failure} of a read ({@code write} false) or write. */
    boolean allows(int retry, Failure failure, boolean write) {
        if (retry > maxRetries || !on.contains(failure)) {
            return false;
        }
        return !write || retryWrites || failure == Failure.CONNECT || failure == Failure.SHUTTING_DOWN;
    }

    /** The wait before retry {@code retry} (1-based). */
    Duration backoff(int retry) {
        Duration wait = initialBackoff;
        for (int i = 1; i < retry && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
