package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A virtual machine error ends the node, wherever it is wrapped; any other throwable is only logged. */
class FatalErrorsTest {
    private final List<Integer> halts = new ArrayList<>();
    private final FatalErrors errors = new FatalErrors(halts::add);

    @Test
    void outOfMemoryHaltsWithTheFatalStatus() {
        errors.handle("vert.x-eventloop-thread-0", new OutOfMemoryError("Java heap space"));
        assertEquals(List.of(FatalErrors.EXIT_FATAL), halts);
    }

    @Test
    void aWrappedStackOverflowIsFatalToo() {
        errors.handle("worker", new RuntimeException("handler failed", new StackOverflowError()));
        assertEquals(List.of(FatalErrors.EXIT_FATAL), halts);
    }

    @Test
    void anOrdinaryExceptionIsLoggedAndTheNodeGoesOn() {
        errors.handle("vert.x-eventloop-thread-0", new IllegalStateException("a bug, not a broken JVM"));
        assertEquals(List.of(), halts);
        assertFalse(FatalErrors.isFatal(new IllegalStateException()));
        assertTrue(FatalErrors.isFatal(new InternalError()));
    }
}
