/**
 * The YCSB-style benchmark harness's entry point ({@link io.kvorum.bench.BenchMain}) and its
 * command line. Sub-packages: {@code workload} and {@code generator} (what to do), {@code run} and
 * {@code client} (doing it over HTTP), {@code stats}, {@code check} and {@code report} (what came of
 * it), {@code baseline} (the in-process ceiling) and {@code ycsb} (the binding for YCSB's own client).
 * Talks to a cluster over HTTP only, like any client: it depends on no other Kvorum module.
 */
package io.kvorum.bench;
