/**
 * Seeded ports of YCSB's key generators (Zipfian, ScrambledZipfian, SkewedLatest, uniform) and the
 * shared insert counter. Every generator takes its {@code RandomGenerator}, so a run replays from its
 * seed; no generator reads a clock or a global random source.
 */
package io.kvorum.bench.generator;
