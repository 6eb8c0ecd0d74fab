/**
 * {@code kvorum admin}: an operator's command-line tool that talks to any reachable node of any
 * cluster over the public HTTP API only (like {@code nodetool} or {@code riak admin}), with table
 * output for people, {@code --json} for scripts, and exit codes scripts can trust (0 ok, 1 cluster
 * unhealthy or unreachable, 2 usage).
 *
 * <p>Depends on nothing but the JDK, so that its jar runs anywhere with {@code java -jar}.
 */
package io.kvorum.admin;
