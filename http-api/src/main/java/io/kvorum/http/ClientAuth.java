package io.kvorum.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer-token authentication (RFC 6750) of client requests against {@link ClientTokens}, and the
 * role check of {@link AccessRules}. Off (every request passes) when no tokens file is configured.
 * Immutable; shared by every event loop.
 */
final class ClientAuth {
    private static final String BEARER = "bearer ";

    private final Optional<ClientTokens> tokens;
    private final Responses responses;

    ClientAuth(Optional<ClientTokens> tokens, Responses responses) {
        this.tokens = tokens;
        this.responses = responses;
    }

    /** The 401 or 403 to answer with, or empty when the request may go on. */
    Optional<Reply> refusal(HttpServerRequest request) {
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        AccessRules.Need need = AccessRules.need(request.method().name(), request.path());
        if (need.role().isEmpty()) {
            return Optional.empty();
        }
        List<String> headers = request.headers().getAll("Authorization");
        if (headers.isEmpty()) {
            return Optional.of(responses.unauthorized("this node requires a bearer token: send 'Authorization: Bearer <token>'", false));
        }
        if (headers.size() > 1) {
            return Optional.of(responses.unauthorized("more than one Authorization header", true));
        }
        String header = headers.get(0);
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(responses.unauthorized("the Authorization header is not 'Bearer <token>'", true));
        }
        Optional<Set<Role>> roles = tokens.get().rolesOf(header.substring(BEARER.length()).strip());
        if (roles.isEmpty()) {
            return Optional.of(responses.unauthorized("the bearer token is not valid on this node", true));
        }
        Role wanted = need.role().get();
        if (!roles.get().contains(wanted)) {
            return Optional.of(responses.forbidden(request.method().name(), wanted));
        }
        return Optional.empty();
    }
}
