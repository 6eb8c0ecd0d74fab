package io.kvorum.node.runtime;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.kvorum.node.core.Input;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does when its core throws, and how often its bounds turned requests away.
 *
 * <p>Why stop: an exception from {@code NodeCore.step} is a bug, met halfway through handling an
 * input, so the core may hold half of an update (an operation registered but its timer not set, a
 * version issued but not replicated). Serving on from that state would turn one bug into lost or
 * invented data; stopping turns it into a node the failure detector sees down, whose peers take
 * over its requests and hand its writes back later (TigerBeetle crashes on a broken invariant for
 * the same reason). The log line names the input, so the bug can be reproduced.
 */
final class CoreFailures {
    /** The exit status of a node whose core failed (EX_SOFTWARE, as for {@link FatalErrors}). */
    static final int EXIT_CORE_FAILURE = FatalErrors.EXIT_FATAL;
    /** An input is logged in full up to this many characters (a write's value may be megabytes). */
    private static final int INPUT_LOGGED_CHARS_MAX = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(CoreFailures.class);

    private final Counter coreFailures;
    private final Counter overloaded;
    private final IntConsumer halt;

    CoreFailures(MetricRegistry registry, IntConsumer halt) {
        this.coreFailures = registry.counter("node.core-failures");
        this.overloaded = registry.counter("node.overloaded");
        this.halt = halt;
    }

    /** The production handler: counts, logs and halts the process. */
    static CoreFailures halting(MetricRegistry registry) {
        return new CoreFailures(registry, status -> Runtime.getRuntime().halt(status));
    }

    /** The core threw {@code error} on {@code input} (null if it threw before taking one): count and log it; {@link #stop} follows. */
    void coreFailed(Input input, RuntimeException error) {
        coreFailures.inc();
        String shown = String.valueOf(input);
        if (shown.length() > INPUT_LOGGED_CHARS_MAX) {
            shown = shown.substring(0, INPUT_LOGGED_CHARS_MAX) + "... (" + shown.length() + " characters)";
        }
        LOG.error("node core failed on input {}: the node stops (status {}) because its state may be inconsistent",
                shown, EXIT_CORE_FAILURE, error);
        System.err.println("kvorum: the node core failed on " + shown + ": " + error + "; exiting with status " + EXIT_CORE_FAILURE);
    }

    /** Stops the node after a core failure. */
    void stop() {
        halt.accept(EXIT_CORE_FAILURE);
    }

    /** A request was turned away at once because a bound (node.operations-max) was reached. */
    void overloaded() {
        overloaded.inc();
    }
}
