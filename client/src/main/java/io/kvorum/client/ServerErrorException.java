package io.kvorum.client;

/**
 * The node failed (a {@code 500}, an answer that is not the API's) or the connection broke while the
 * request was in flight; a write may or may not have been stored.
 */
public final class ServerErrorException extends KvorumException {
    ServerErrorException(String message, Throwable cause) {
        super(message, cause);
    }
}
