/**
 * Who is in the cluster and where each key lives: the {@link io.kvorum.node.membership.Membership}
 * interface the core consults, and its static implementation from configuration (the gossip
 * protocol will implement the same interface). Pure: no I/O.
 */
package io.kvorum.node.membership;
