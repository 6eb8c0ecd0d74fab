/**
 * Integration tests that real clusters conform to shared/docs/api.md: in-process nodes
 * ({@link io.kvorum.node.it.TestCluster}), nodes started by {@code scripts/kvorum}, or any running
 * cluster ({@link io.kvorum.node.it.ExternalCluster}), all checked by the same
 * {@code *Checks} classes over HTTP only, through {@link io.kvorum.node.it.ApiClient} and
 * {@link io.kvorum.node.it.ApiAssertions}. Failsafe runs the {@code *IT} classes in {@code mvn verify}.
 */
package io.kvorum.node.it;
