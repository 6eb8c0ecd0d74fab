/**
 * Kvorum's Java client: {@link io.kvorum.client.KvorumClient} and its builder, results
 * ({@link io.kvorum.client.Fetched}, {@link io.kvorum.client.Written}), the sibling-resolution
 * interfaces and the typed exceptions. A network edge (style.md 6.1): it owns sockets, a refresh
 * thread and virtual threads; its pure parts ({@code TokenRing}, {@code Murmur3}, {@code Route}) do no I/O.
 */
package io.kvorum.client;
