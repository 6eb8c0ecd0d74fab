package io.kvorum.node.auth;

/** A peer failed to authenticate, or sent bytes it should not have; the connection must be closed. */
public final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}
