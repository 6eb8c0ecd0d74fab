/**
 * Internode authentication as pure code: the mutual challenge-response handshake
 * ({@link io.kvorum.node.auth.Handshake}), the bounded reader of pre-authentication bytes
 * ({@link io.kvorum.node.auth.PreAuthReader}) and the per-frame MACs with sequence numbers
 * ({@link io.kvorum.node.auth.FrameMac}). No sockets, clocks or randomness: nonces are passed in by
 * the runtime, which owns the connections.
 */
package io.kvorum.node.auth;
