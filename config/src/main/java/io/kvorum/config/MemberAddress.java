package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;
import static io.kvorum.config.ConfigException.requireSet;

import io.kvorum.common.NodeId;

/** One cluster member: its id and the addresses of its internode transport and client HTTP API. */
public record MemberAddress(NodeId id, HostPort internode, HostPort http) {
    public MemberAddress {
        requireSet(id, "member id");
        requireSet(internode, "member internode address");
        requireSet(http, "member http address");
    }

    /** Parses {@code id@internodeHost:port/httpHost:port}; the inverse of {@link #toString()}. */
    public static MemberAddress parse(String text) {
        String trimmed = text.strip();
        int at = trimmed.indexOf('@');
        int slash = trimmed.indexOf('/', Math.max(at, 0));
        if (at < 0 || slash < 0) {
            throw new ConfigException(quote(text) + " is not id@internodeHost:port/httpHost:port");
        }
        return new MemberAddress(
                parseId(trimmed.substring(0, at)),
                HostPort.parse(trimmed.substring(at + 1, slash)),
                HostPort.parse(trimmed.substring(slash + 1)));
    }

    /** Parses a node id, turning its validation failure into a {@link ConfigException}. */
    static NodeId parseId(String text) {
        try {
            return NodeId.of(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return id + "@" + internode + "/" + http;
    }
}
