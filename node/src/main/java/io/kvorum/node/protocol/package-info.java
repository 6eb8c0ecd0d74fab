/**
 * The vocabulary the node's protocols share, below all of them: what a client read or write gets
 * ({@link io.kvorum.node.protocol.ReadOutcome}, {@link io.kvorum.node.protocol.WriteOutcome}), storage
 * operations and their results as pure data ({@link io.kvorum.node.protocol.StorageOp},
 * {@link io.kvorum.node.protocol.StorageResult}), the {@link io.kvorum.node.protocol.Outbox} through which
 * background protocols ask for effects, and the {@link io.kvorum.node.protocol.CoreMetrics} they report.
 *
 * <p>May import only {@code common}, {@code storage} value types and {@code node.message}/{@code node.membership};
 * never {@code core}, {@code coordinator}, {@code handoff}, {@code antientropy} or {@code runtime}, which all
 * build on it (no package cycles). Sans-I/O: no clocks, threads, files, sockets or Vert.x.
 */
package io.kvorum.node.protocol;
