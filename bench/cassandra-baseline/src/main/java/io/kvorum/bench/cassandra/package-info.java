/** Issue 16's Cassandra baseline: a YCSB 0.17 binding for Cassandra and the cluster's set-up helper. */
package io.kvorum.bench.cassandra;
