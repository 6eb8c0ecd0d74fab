package io.kvorum.client;

/**
 * No answer in time: the client's wait ran out, or the node answered that it could not decide within
 * its own deadline. A write may or may not have been stored.
 */
public final class TimeoutException extends KvorumException {
    TimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
