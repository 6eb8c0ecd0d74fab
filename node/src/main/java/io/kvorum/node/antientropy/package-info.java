/**
 * Merkle-tree anti-entropy between replicas (Dynamo §4.7) as a sans-I/O state machine:
 * {@link io.kvorum.node.antientropy.AntiEntropy} compares trees of the ranges two nodes share, then the
 * per-key hashes of the differing leaves ({@link io.kvorum.node.antientropy.KeyHashes}), and swaps the
 * states of only the keys that differ, through an {@link io.kvorum.node.protocol.Outbox}.
 *
 * <p>Depends on {@code node.protocol} and {@code node.message} only, never on {@code core} (which drives
 * it). No clocks, threads, files, sockets or Vert.x: time arrives as {@code Outbox.nowMillis()}.
 */
package io.kvorum.node.antientropy;
