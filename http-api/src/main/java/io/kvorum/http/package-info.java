/**
 * The public HTTP/JSON surface (shared/docs/api.md): the {@link io.kvorum.http.KvService} interface
 * that the node implements, its request and result records, and the Vert.x router that maps them
 * to routes, status codes and error bodies in one place.
 *
 * <p>May import Vert.x and Jackson. Must not know about replication, storage or the ring: every
 * decision about data is the service's; this package only parses, validates and renders.
 */
package io.kvorum.http;
