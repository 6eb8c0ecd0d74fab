package io.kvorum.client;

/** Why a request failed; every failure the client reports is one of these (all unchecked). */
public abstract sealed class KvorumException extends RuntimeException
        permits UnavailableException, TimeoutException, InvalidRequestException, ConflictException, NoNodeAvailableException,
                ServerErrorException {
    KvorumException(String message, Throwable cause) {
        super(message, cause);
    }
}
