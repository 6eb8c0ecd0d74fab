package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;

import io.kvorum.common.NodeId;

/** A seed member a joining node contacts first: its id and internode address ({@code id@host:port}). */
public record SeedAddress(NodeId id, HostPort internode) {
    public SeedAddress {
        ConfigException.requireSet(id, "seed id");
        ConfigException.requireSet(internode, "seed address");
    }

    /** Parses {@code id@host:port}. */
    public static SeedAddress parse(String text) {
        String trimmed = text.strip();
        int at = trimmed.indexOf('@');
        if (at < 0) {
            throw new ConfigException(quote(text) + " is not id@internodeHost:port");
        }
        return new SeedAddress(MemberAddress.parseId(trimmed.substring(0, at)), HostPort.parse(trimmed.substring(at + 1)));
    }

    @Override
    public String toString() {
        return id + "@" + internode;
    }
}
