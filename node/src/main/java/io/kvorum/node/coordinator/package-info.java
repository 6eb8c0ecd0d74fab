/**
 * The coordinator's decisions as pure code (riak's {@code get_core}): count replica replies,
 * decide when a quorum is met or lost, merge what was read, and plan read repairs. Nothing here
 * sends, stores or waits; {@code core.NodeCore} turns decisions into effects.
 */
package io.kvorum.node.coordinator;
