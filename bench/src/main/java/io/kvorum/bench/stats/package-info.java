/**
 * Measurement: HdrHistogram recorders per operation type (latency of successful operations from
 * their intended start), error counts by kind (failures are counted, never timed), and per-second
 * interval snapshots for progress lines and the throughput-over-time chart. Results are records.
 */
package io.kvorum.bench.stats;
