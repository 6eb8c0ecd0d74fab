package io.kvorum.node.core;

/**
 * Time as the drivers own it (TigerBeetle's {@code TimeSim} shape): the runtime reads the system
 * clocks, the simulator advances virtual ones. The core never sees a {@code Clock}, only the
 * values a driver read from it.
 */
public interface Clock {
    /** Milliseconds from an arbitrary origin; never goes backwards. */
    long monotonicMillis();

    /** Milliseconds since the Unix epoch; may jump. Used only where wall time has meaning. */
    long wallMillis();
}
