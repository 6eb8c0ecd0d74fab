/**
 * Causal versioning: {@link io.kvorum.storage.version.Actor}s issue {@link io.kvorum.storage.version.Dot}s,
 * a {@link io.kvorum.storage.version.CausalContext} records which dots a state or a client has seen,
 * and {@link io.kvorum.storage.version.Siblings} is the whole versioned state of one key.
 *
 * <p>Pure values and functions: no I/O, no clocks (wall time comes in as {@code wallMillis}), no
 * randomness, no threads. Everything here is immutable and iteration-ordered (sorted), so equal
 * inputs give byte-identical outputs in every JVM run.
 */
package io.kvorum.storage.version;
