/**
 * Membership by gossip and phi-accrual failure detection, as sans-I/O state machines: per-member
 * state with generations and heartbeat versions, the SYN/ACK/ACK2 exchange, and the detector that
 * decides who is healthy.
 *
 * <p>Empty until its issue lands: nodes use the static member list from configuration
 * ({@code io.kvorum.node.membership.StaticMembership}) behind the same {@code Membership} interface.
 * Must not import Vert.x, sockets, files or clocks.
 */
package io.kvorum.gossip;
