package io.kvorum.client;

/**
 * Counters since the client started.
 *
 * @param requests         key requests sent to a node (each attempt counts)
 * @param toReplica        of those, sent to a node of the key's preference list (token-aware)
 * @param withoutRing      of those, sent round-robin because the ring was not known
 * @param retries          attempts after a failed one
 * @param refreshes        successful background refreshes of members and ring
 */
public record ClientStats(long requests, long toReplica, long withoutRing, long retries, long refreshes) {}
