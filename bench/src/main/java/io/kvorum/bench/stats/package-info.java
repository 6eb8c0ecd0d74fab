/**
 * Measurement: HdrHistogram recorders per operation type (latency from each operation's intended
 * start), error counts by kind, and per-second interval snapshots for progress lines and the
 * throughput-over-time chart. Results are records.
 */
package io.kvorum.bench.stats;
