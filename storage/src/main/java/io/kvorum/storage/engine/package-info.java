/**
 * Storage engines: the {@link io.kvorum.storage.engine.StorageEngine} interface and its
 * implementations, the in-memory {@link io.kvorum.storage.engine.MemoryEngine} and the durable
 * {@link io.kvorum.storage.engine.LogEngine} with the log machinery under it ({@link
 * io.kvorum.storage.engine.LogStore}: segments, key directory, recovery, compaction, group commit).
 * Engines are the only code in this module allowed to touch files. Like all storage code they read
 * no clock and start no thread: the wall clock and a {@link io.kvorum.storage.engine.BackgroundScheduler}
 * come from the composition root.
 *
 * <p>Engines are thread-safe: the node runs them on a worker pool (or inline, for the in-memory
 * engine) while its protocol core stays single-threaded. Updates are atomic per key.
 */
package io.kvorum.storage.engine;
