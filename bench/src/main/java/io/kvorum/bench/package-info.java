/**
 * The YCSB-style benchmark harness: workloads, seeded key distributions, HdrHistogram reporting
 * and a binding for the real YCSB client. Talks to a cluster over HTTP only, like any client.
 *
 * <p>Empty until its issue lands.
 */
package io.kvorum.bench;
