/**
 * Hinted handoff (Dynamo §4.6) as a sans-I/O state machine: {@link io.kvorum.node.handoff.HintedHandoff}
 * hands the hints a stand-in keeps back to their owners in bounded, rate-limited batches, through an
 * {@link io.kvorum.node.protocol.Outbox}, and deletes them once the owner acknowledged them durably.
 *
 * <p>Depends on {@code node.protocol} and {@code node.message} only, never on {@code core} (which drives
 * it). No clocks, threads, files, sockets or Vert.x: time arrives as {@code Outbox.nowMillis()}.
 */
package io.kvorum.node.handoff;
