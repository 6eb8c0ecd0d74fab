package io.kvorum.client;

/**
 * {@code 503 unavailable}: the coordinator reached fewer replicas than the request's {@code r} or
 * {@code w} in time. A write may still have been stored on some replicas (Dynamo §4.5).
 */
public sealed class UnavailableException extends KvorumException permits InsufficientStorageException {
    private final int required;
    private final int acknowledged;

    UnavailableException(String message, int required, int acknowledged) {
        super(message, null);
        this.required = required;
        this.acknowledged = acknowledged;
    }

    /** The replicas the request needed. */
    public int required() {
        return required;
    }

    /** The replicas that answered in time. */
    public int acknowledged() {
        return acknowledged;
    }
}
