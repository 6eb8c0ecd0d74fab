/**
 * Storage engines: the {@link io.kvorum.storage.engine.StorageEngine} interface and its
 * implementations. Engines are the only code in this module allowed to touch files.
 *
 * <p>Engines are thread-safe: the node runs them on a worker pool (or inline, for the in-memory
 * engine) while its protocol core stays single-threaded. Updates are atomic per key.
 */
package io.kvorum.storage.engine;
