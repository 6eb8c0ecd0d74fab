package io.kvorum.client;

import java.util.OptionalInt;

/**
 * The node failed (a {@code 500}, an answer that is not the API's) or the connection broke while the
 * request was in flight; a write may or may not have been stored.
 */
public final class ServerErrorException extends KvorumException {
    private final int status;

    ServerErrorException(String message, Throwable cause) {
        this(message, -1, cause);
    }

    ServerErrorException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status when the node answered; empty when the connection broke first. */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
