package io.kvorum.http;

import java.util.List;

/** A client context decoded for people ({@code GET /context/{context}}), or why it does not decode. */
public sealed interface ContextView {
    /**
     * The version vector (each actor's contiguous counter) and the dots seen beyond it.
     *
     * @param versions one entry per actor, sorted
     * @param dots     the dot cloud: single dots seen past an actor's counter
     */
    record Decoded(List<Version> versions, List<Dot> dots) implements ContextView {
        public Decoded {
            versions = List.copyOf(versions);
            dots = List.copyOf(dots);
        }
    }

    /** Not a context this store issued; {@code message} says why and is safe to show the client. */
    record Invalid(String message) implements ContextView {}

    /**
     * Every write by the actor ({@code node} in its {@code epoch}-th run) up to {@code counter}; {@code wallMillis}
     * is when the newest of them was written (used only to prune old actors).
     */
    record Version(String node, long epoch, long counter, long wallMillis) {}

    /** One write seen on its own: the actor's {@code counter}-th. */
    record Dot(String node, long epoch, long counter) {}
}
