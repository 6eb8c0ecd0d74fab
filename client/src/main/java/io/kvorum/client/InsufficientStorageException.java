package io.kvorum.client;

/**
 * {@code 507 insufficient_storage}: a write failed only because the disks of the nodes that refused
 * it are full (the message names them). Retrying does not help until space is freed; as with any
 * {@link UnavailableException}, the write may still have been stored on replicas that did not refuse it.
 */
public final class InsufficientStorageException extends UnavailableException {
    InsufficientStorageException(String message, int required, int acknowledged) {
        super(message, required, acknowledged);
    }
}
