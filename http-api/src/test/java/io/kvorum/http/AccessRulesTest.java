package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The role each request needs: by route pattern, so routes added later fall under the right role. */
class AccessRulesTest {
    @Test
    void healthIsOpenAndOnlyForReads() {
        assertEquals(Optional.empty(), need("GET", "/health"));
        assertEquals(Optional.of(Role.ADMIN), need("POST", "/health"), "an unknown verb needs the most");
    }

    @Test
    void keysNeedReadToReadAndWriteToChange() {
        assertEquals(Optional.of(Role.READ), need("GET", "/kv/a"));
        assertEquals(Optional.of(Role.READ), need("GET", "/kv/a/replicas"));
        for (String method : new String[] {"PUT", "DELETE", "PATCH", "POST"}) {
            assertEquals(Optional.of(Role.WRITE), need(method, "/kv/a"), method);
        }
    }

    @Test
    void viewsNeedReadAndEveryChangeOutsideKeysNeedsAdmin() {
        for (String path : new String[] {"/cluster/members", "/cluster/ring", "/cluster/status", "/cluster/transfers",
                "/node/status", "/metrics", "/metrics/prometheus", "/ui", "/context/abc", "/unknown"}) {
            assertEquals(Optional.of(Role.READ), need("GET", path), path);
        }
        assertEquals(Optional.of(Role.ADMIN), need("POST", "/cluster/leave"));
        assertEquals(Optional.of(Role.ADMIN), need("POST", "/cluster/remove/node-3"));
        assertEquals(Optional.of(Role.ADMIN), need("DELETE", "/cluster/members"));
        assertEquals(Optional.of(Role.ADMIN), need("GET", "/admin/request-log"));
        assertEquals(Optional.of(Role.ADMIN), need("PUT", "/admin/request-log"));
        assertEquals(Optional.of(Role.ADMIN), need("POST", "/admin/some-future-verb"));
        assertEquals(Optional.of(Role.ADMIN), need("OPTIONS", "/kv/a"));
        assertEquals(Optional.of(Role.ADMIN), need("GET", "*"));
        assertEquals(Optional.of(Role.ADMIN), need("GET", null));
    }

    private static Optional<Role> need(String method, String path) {
        return AccessRules.need(method, path).role();
    }
}
