/**
 * Membership by gossip and phi-accrual failure detection, as sans-I/O state machines.
 *
 * <p>{@link io.kvorum.gossip.GossipProtocol} is one node's state machine: {@code tick(nowMillis)} every
 * gossip interval and {@code receive(from, message, nowMillis)} for each {@link io.kvorum.gossip.GossipMessage}
 * (the SYN/ACK/ACK2 exchange), both returning {@link io.kvorum.gossip.GossipOutput}s (messages to send,
 * membership changes). Per-member state ({@link io.kvorum.gossip.MemberState}: generation, heartbeat,
 * addresses, {@link io.kvorum.gossip.Status}, tokens) is versioned so newer state wins, and snapshots
 * of it are immutable {@link io.kvorum.gossip.MembershipState}s. {@link io.kvorum.gossip.GossipCodec} is
 * the wire format. The failure detector lives in {@code io.kvorum.gossip.fd}.
 *
 * <p>Pure code: no Vert.x, sockets, files, clocks, threads or unseeded randomness (PurityTest checks),
 * and no dependency on the ring module: tokens are plain {@code List<Long>}. Not thread-safe; one owner.
 */
package io.kvorum.gossip;
