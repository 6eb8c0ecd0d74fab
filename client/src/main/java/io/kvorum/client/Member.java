package io.kvorum.client;

/**
 * A cluster member as the client sees it.
 *
 * @param id      the node's id
 * @param address its HTTP address
 * @param status  the status the cluster reports ({@code up}, {@code down}, {@code joining}, {@code leaving})
 * @param usable  whether the client sends requests to it: up in the cluster's view and reachable from here
 */
public record Member(String id, NodeAddress address, String status, boolean usable) {}
