/**
 * Merkle trees for anti-entropy (Dynamo §4.7): {@link io.kvorum.storage.merkle.MerkleTree}, an
 * immutable hash tree over one token range, built from a scan; and
 * {@link io.kvorum.storage.merkle.MerkleCodec}, the wire form two replicas exchange.
 *
 * <p>Pure code: no I/O, no clocks, no threads, no randomness, no hash-ordered iteration. Hashing uses
 * {@code java.security.MessageDigest} (SHA-256), which is a pure function of its input. Nothing here
 * decides when to compare or what to stream: that is the node's anti-entropy state machine.
 */
package io.kvorum.storage.merkle;
