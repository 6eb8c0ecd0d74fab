/**
 * Range transfers of membership changes (join, leave, remove, replace): the pull protocol that
 * streams the ranges a node gains, with its cursors, rate and resumption, and the cleanup of ranges
 * a node no longer replicates. Pure: no I/O.
 */
package io.kvorum.node.transfer;
