/**
 * The ceiling: a minimal Vert.x HTTP server that speaks the same {@code /kv/{key}} contract from a
 * hash map in this process (no replication, no versioning, no disk), so the harness can measure what
 * HTTP alone costs on this machine with the same client, connections and request sizes.
 */
package io.kvorum.bench.baseline;
