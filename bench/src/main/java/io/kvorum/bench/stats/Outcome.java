package io.kvorum.bench.stats;

/** How one operation ended: success, or the kind of error. */
public enum Outcome {
    /** 200 (for a read-modify-write: both halves). */
    OK,
    /** 503 unavailable: the quorum was not reached in time. */
    UNAVAILABLE,
    /** No answer within the client's timeout. */
    TIMEOUT,
    /** 404 on a record that should exist. */
    NOT_FOUND,
    /** Any other HTTP status. */
    HTTP_OTHER,
    /** Connection refused or reset, or another transport failure. */
    CONNECTION;

    /** The outcome of an HTTP status. */
    public static Outcome ofStatus(int status) {
        return switch (status) {
            case 200 -> OK;
            case 404 -> NOT_FOUND;
            case 503 -> UNAVAILABLE;
            default -> HTTP_OTHER;
        };
    }

    /** The outcome of a request that got no HTTP answer. */
    public static Outcome ofFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (name.contains("timeout") || message.contains("timeout") || message.contains("timed out")) {
                return TIMEOUT;
            }
        }
        return CONNECTION;
    }
}
