package io.kvorum.storage.version;

/** How one causal history relates to another; {@code EQUAL} is explicit (the Voldemort lesson). */
public enum Causality {
    /** This history is strictly contained in the other: the other happened after. */
    BEFORE,
    /** This history strictly contains the other. */
    AFTER,
    /** Both histories hold exactly the same dots. */
    EQUAL,
    /** Each holds a dot the other lacks: concurrent writes. */
    CONCURRENT
}
