/**
 * The handful of value types every module shares: {@link io.kvorum.common.NodeId},
 * {@link io.kvorum.common.Key}, {@link io.kvorum.common.Bytes}, {@link io.kvorum.common.TokenRange}, the binary codec helpers
 * {@link io.kvorum.common.ByteWriter} and {@link io.kvorum.common.ByteReader}
 * and {@link io.kvorum.common.Invariants}.
 *
 * <p>Immutable values only. No I/O, no clocks, no threads. Keep this package under about ten types;
 * promote it to a module of its own if it grows.
 */
package io.kvorum.common;
