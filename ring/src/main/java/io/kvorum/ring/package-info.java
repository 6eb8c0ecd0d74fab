/**
 * Partitioning and replica placement: the {@link io.kvorum.ring.Partitioner} that maps a key to a
 * token on the signed 64-bit ring, the immutable {@link io.kvorum.ring.Ring} snapshot of which
 * physical node owns which virtual-node tokens, preference lists (Dynamo §4.2-4.3), the
 * {@link io.kvorum.ring.TokenAllocator} that picks tokens for a joining node, and
 * {@link io.kvorum.ring.RingDiff}, which says which ranges change replicas on a join or leave.
 *
 * <p>Everything here is pure: no I/O, no threads, no clocks and no unseeded randomness. Equal inputs
 * give equal outputs in every JVM run, because iteration order never comes from a hash-based
 * collection. Rings are values: a membership change builds a new {@code Ring}; nothing is mutated.
 */
package io.kvorum.ring;
