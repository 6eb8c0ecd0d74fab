package io.kvorum.client;

/**
 * The node rejected the request (4xx): {@link #code()} is the API's error code ({@code invalid_key},
 * {@code invalid_context}, {@code invalid_parameter}, {@code value_too_large}, ...). Nothing was stored.
 */
public final class InvalidRequestException extends KvorumException {
    private final int status;
    private final String code;

    InvalidRequestException(int status, String code, String message) {
        super(status + " " + code + ": " + message, null);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status, e.g. 400 or 413. */
    public int status() {
        return status;
    }

    /** The API's error code, e.g. {@code invalid_context}. */
    public String code() {
        return code;
    }
}
