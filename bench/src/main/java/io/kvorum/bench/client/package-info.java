/**
 * The harness's HTTP client: Vert.x's non-blocking client with a keep-alive pool per node, spreading
 * requests round-robin over every node given. Speaks only the public HTTP API (docs/api-reference.md).
 */
package io.kvorum.bench.client;
