/**
 * Driving a phase: workers (concurrent operation streams) on Vert.x event loops, each paced to its
 * share of the target rate with latency measured from the intended start (no coordinated omission),
 * the operations themselves over HTTP, and the correctness check's read-back.
 */
package io.kvorum.bench.run;
