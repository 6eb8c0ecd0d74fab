/**
 * Correctness while benchmarking: a history of every write (invoke and acknowledgement times, by
 * write tag) and read, judged by real-time order. A read is stale when every value it returned comes
 * from a write that finished before some write acknowledged before the read began; a write is lost
 * when the final read-back returns only values that finished before it began. Pure; no I/O.
 */
package io.kvorum.bench.check;
