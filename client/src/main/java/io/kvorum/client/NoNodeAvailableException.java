package io.kvorum.client;

/** No node could be reached (every candidate refused the connection or is down); nothing was sent. */
public final class NoNodeAvailableException extends KvorumException {
    NoNodeAvailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
