/**
 * YCSB core workloads: the property names and semantics of {@code site.ycsb.workloads.CoreWorkload}
 * (proportions, request distributions, record shape, key naming), the built-in workloads A, B, C, D
 * and F, and per-worker choosers built from a seed. Workload E is refused: it needs range scans, which
 * a Dynamo-style store does not offer. Pure code: no I/O except reading a workload file.
 */
package io.kvorum.bench.workload;
