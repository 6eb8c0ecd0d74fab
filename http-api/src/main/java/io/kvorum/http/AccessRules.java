package io.kvorum.http;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which role each request needs when client authentication is on: one table, read top to bottom,
 * the first matching row wins. Rows match a path prefix (or an exact path) and a set of methods,
 * not individual routes, so that a route added later falls under the right role without an edit
 * here: any change under {@code /cluster/} (POST /cluster/leave, POST /cluster/remove/{node}) and
 * anything under {@code /admin/} needs {@code admin}; so does any method this table does not know.
 */
final class AccessRules {
    /** What a request needs: nothing (open), or a token with {@code role}. */
    record Need(Optional<Role> role) {
        static final Need OPEN = new Need(Optional.empty());

        static Need of(Role role) {
            return new Need(Optional.of(role));
        }
    }

    private record Rule(Set<String> methods, String path, boolean prefix, Need need) {
        boolean matches(String method, String rawPath) {
            boolean methodMatches = methods.isEmpty() || methods.contains(method);
            boolean pathMatches = prefix ? rawPath.startsWith(path) : rawPath.equals(path);
            return methodMatches && pathMatches;
        }
    }

    private static final Set<String> ANY = Set.of();
    private static final Set<String> READS = Set.of("GET", "HEAD");
    private static final Set<String> WRITES = Set.of("PUT", "DELETE", "PATCH", "POST");

    /** The table; {@code ANY} matches every method, and the last row matches every request. */
    private static final List<Rule> RULES = List.of(
            new Rule(READS, "/health", false, Need.OPEN),                // load balancers and probes carry no token
            new Rule(ANY, "/admin/", true, Need.of(Role.ADMIN)),          // every admin verb, and reading admin state
            new Rule(READS, "/kv/", true, Need.of(Role.READ)),
            new Rule(WRITES, "/kv/", true, Need.of(Role.WRITE)),          // PUT, DELETE, PATCH of keys
            new Rule(READS, "/", true, Need.of(Role.READ)),               // members, ring, status, metrics, contexts, the dashboard
            new Rule(ANY, "/", true, Need.of(Role.ADMIN)));               // any other change (POST /cluster/leave, /cluster/remove/...)

    private AccessRules() {}

    /** The need of {@code method} on {@code rawPath} (the still-encoded path; null counts as no path). */
    static Need need(String method, String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        for (Rule rule : RULES) {
            if (rule.matches(method, path)) {
                return rule.need();
            }
        }
        return Need.of(Role.ADMIN); // a path not starting with '/': never reaches a route, but still not open
    }
}
