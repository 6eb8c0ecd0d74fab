package io.kvorum.http;

/**
 * Every error the API answers with: the wire code of api.md's table and its HTTP status.
 *
 * <p>The last four are HTTP-level: they answer requests that never reach a route (a malformed or
 * oversized request line or header block) or that reach it while the node is shutting down.
 */
enum ErrorCode {
    INVALID_KEY(400, "invalid_key"),
    INVALID_JSON(400, "invalid_json"),
    INVALID_CONTEXT(400, "invalid_context"),
    INVALID_PARAMETER(400, "invalid_parameter"),
    NOT_FOUND(404, "not_found"),
    NO_SUCH_ROUTE(404, "no_such_route"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    TOO_MANY_SIBLINGS(409, "too_many_siblings"),
    UNKNOWN_NODE(404, "unknown_node"),
    CHANGE_IN_FLIGHT(409, "change_in_flight"),
    NODE_REACHABLE(409, "node_reachable"),
    TOO_FEW_NODES(409, "too_few_nodes"),
    NOT_UP(409, "not_up"),
    NOT_SUPPORTED(409, "not_supported"),
    VALUE_TOO_LARGE(413, "value_too_large"),
    KEY_TOO_LARGE(413, "key_too_large"),
    UNAVAILABLE(503, "unavailable"),
    INSUFFICIENT_STORAGE(507, "insufficient_storage"),
    INTERNAL(500, "internal"),
    BAD_REQUEST(400, "bad_request"),
    URI_TOO_LONG(414, "uri_too_long"),
    HEADERS_TOO_LARGE(431, "headers_too_large");

    private final int status;
    private final String wire;

    ErrorCode(int status, String wire) {
        this.status = status;
        this.wire = wire;
    }

    int status() {
        return status;
    }

    /** The {@code "error"} field of the body, e.g. {@code invalid_key}. */
    String wire() {
        return wire;
    }

    /** The Dropwizard counter bumped once per response with this code. */
    String counterName() {
        return "http.errors." + wire;
    }
}
