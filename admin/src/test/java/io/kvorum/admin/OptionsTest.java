package io.kvorum.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line and the exit status 2 for every usage error (no node is contacted for any of them). */
class OptionsTest {
    @Test
    void optionsMayComeBeforeOrAfterTheVerb() throws Exception {
        Options options = Options.parse("get", "k", "--node", "10.0.0.1:8080", "--json", "--r", "all");
        assertEquals("10.0.0.1:8080", options.node());
        assertTrue(options.json());
        assertEquals("get", options.verb());
        assertEquals(List.of("k"), options.arguments());
        assertEquals("all", options.r().orElseThrow());
        assertEquals(List.of("--json"), Options.parse("put", "--", "--json", "1").arguments().subList(0, 1));
    }

    @Test
    void usageErrorsExitWith2() {
        // Port 9 on loopback (discard) is never contacted: each of these fails before any request.
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--node"), List.of("--node", "nohost", "status"),
                List.of("--node", "h:0", "status"), List.of("--node", "h:x", "status"), List.of("--bogus", "status"),
                List.of("--timeout-ms", "0", "status"), List.of("--node", "127.0.0.1:9", "frobnicate"),
                List.of("--node", "127.0.0.1:9", "status", "extra"), List.of("--node", "127.0.0.1:9", "get"),
                List.of("--node", "127.0.0.1:9", "put", "k", "not json"), List.of("--node", "127.0.0.1:9", "put", "k"),
                List.of("--node", "127.0.0.1:9", "get", "k", "--w", "2"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = AdminMain.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(AdminMain.USAGE, exit, args + ": " + err);
            assertTrue(err.size() > 0, args + " explains itself on stderr");
        }
    }

    @Test
    void helpExitsWith0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(AdminMain.OK, AdminMain.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream())));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Exit status"));
    }

    @Test
    void anUnreachableNodeExitsWith1() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminMain.run(new String[] {"--node", "127.0.0.1:1", "--timeout-ms", "2000", "status"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(AdminMain.UNHEALTHY, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach 127.0.0.1:1"), err.toString());
    }

    @Test
    void formatting() {
        assertEquals("850ms", Verbs.age(850));
        assertEquals("12.3s", Verbs.age(12_300));
        assertEquals("4m05s", Verbs.age(245_000));
        assertEquals("2h03m", Verbs.age(7_380_000));
        assertEquals("33.4%", Verbs.percent(Json.parse("0.3341")));
        assertEquals("-", Verbs.phi(Json.NULL));
        assertEquals("whole ring", Verbs.range(Json.parse("[\"5\",\"5\"]")));
        assertEquals("(1, 9]", Verbs.range(Json.parse("[\"1\",\"9\"]")));
        assertEquals("/kv/a%2Fb%20c%2E:%C3%A9", KeyVerbs.path("a/b c.:é"));
    }
}
