/**
 * The sans-I/O heart of a node: {@link io.kvorum.node.core.NodeCore} takes an
 * {@link io.kvorum.node.core.Input} and the current time and returns {@link io.kvorum.node.core.Effect}s.
 *
 * <p>Must not read clocks, sleep, start threads, touch sockets or files, or import Vert.x: the
 * production runtime and the deterministic simulator drive the very same code.
 */
package io.kvorum.node.core;
