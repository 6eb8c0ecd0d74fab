/**
 * The binding that lets YCSB's own client ({@code site.ycsb.Client}) drive Kvorum: a
 * {@code site.ycsb.DB} over the public HTTP API. YCSB's model is one blocking DB instance per client
 * thread, so this binding uses the JDK's blocking {@code java.net.http} client (keep-alive HTTP/1.1),
 * not the harness's non-blocking one.
 */
package io.kvorum.bench.ycsb;
