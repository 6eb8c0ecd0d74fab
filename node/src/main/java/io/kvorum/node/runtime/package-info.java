/**
 * The edges of a node, and the only package here allowed to use Vert.x, sockets, files, clocks and
 * threads: the event loop that owns a {@link io.kvorum.node.core.NodeCore}, the TCP transport, the
 * timers, the storage worker pool, the {@link io.kvorum.http.KvService} adapter and
 * {@link io.kvorum.node.runtime.Main}, the one composition root.
 */
package io.kvorum.node.runtime;
