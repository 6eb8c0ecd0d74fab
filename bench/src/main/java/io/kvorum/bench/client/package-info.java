/**
 * The harness's client: the project's Java client library ({@code kvorum-client}) seen as Vert.x
 * futures, with the nodes given as contact points, token-aware routing and no retries. Speaks only
 * the public HTTP API (docs/api-reference.md).
 */
package io.kvorum.bench.client;
