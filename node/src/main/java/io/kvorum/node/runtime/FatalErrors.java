package io.kvorum.node.runtime;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to an error that no code handles: a {@link VirtualMachineError} (out of memory, stack
 * overflow, an internal JVM error) ends the process at once, loudly; anything else is logged.
 *
 * <p>Why exit: a node that hit {@code OutOfMemoryError} on its event loop was seen staying alive as
 * a zombie, its port open, {@code /health} never answering and nothing restarting it. After such an
 * error no state of the process can be trusted, so it must die, and then the failure detector,
 * Compose's restart policy or an operator acts. {@code -XX:+ExitOnOutOfMemoryError} (in
 * {@code scripts/kvorum}, the image and the README) also covers an out-of-memory that some library
 * catches before it reaches this handler.
 */
final class FatalErrors {
    /** The exit status of a node that stopped for a fatal error (EX_SOFTWARE). */
    static final int EXIT_FATAL = 70;
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

    private final IntConsumer halt;

    FatalErrors(IntConsumer halt) {
        this.halt = halt;
    }

    /** The production handler: halts the JVM without running shutdown hooks, which may need the memory that ran out. */
    static FatalErrors halting() {
        return new FatalErrors(status -> Runtime.getRuntime().halt(status));
    }

    /** Makes this the handler of every thread's uncaught throwables. */
    void installAsDefault() {
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> handle(thread.getName(), error));
    }

    /** Handles a throwable that reached the top of {@code threadName} (or an event loop). */
    void handle(String threadName, Throwable error) {
        Throwable fatal = fatalIn(error);
        if (fatal != null) {
            try {
                LOG.error("fatal {} on thread {}: the node exits now (status {}) because its state can no longer be trusted",
                        fatal, threadName, EXIT_FATAL, error);
                System.err.println("kvorum: fatal " + fatal + " on thread " + threadName + "; exiting with status " + EXIT_FATAL);
            } finally {
                halt.accept(EXIT_FATAL);
            }
            return;
        }
        LOG.error("unhandled exception on thread {}", threadName, error);
    }

    static boolean isFatal(Throwable error) {
        return fatalIn(error) != null;
    }

    /** The virtual machine error in {@code error}'s cause chain, or null. */
    private static Throwable fatalIn(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof VirtualMachineError) {
                return t;
            }
        }
        return null;
    }
}
