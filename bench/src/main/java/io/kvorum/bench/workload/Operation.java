package io.kvorum.bench.workload;

/** A YCSB operation type that Kvorum supports (no SCAN: keys are hashed, so there is no key order). */
public enum Operation {
    /** GET one record, with the run's {@code r}. */
    READ,
    /** PUT a whole new record over an existing key, with the run's {@code w}. */
    UPDATE,
    /** PUT a record under a new key. */
    INSERT,
    /** GET a record, then PUT a new one with the context the GET returned. */
    READ_MODIFY_WRITE
}
