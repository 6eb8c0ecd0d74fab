package io.kvorum.bench.run;

/** YCSB's two phases. */
public enum Phase {
    /** Insert records {@code insertstart .. insertstart + insertcount - 1}. */
    LOAD,
    /** Run the workload's operation mix. */
    RUN
}
