package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokens file's format, its errors (never echoing a token) and the role lookup. */
class ClientTokensTest {
    private static final String A = "aaaaaaaaaaaaaaaa1111";
    private static final String B = "bbbbbbbbbbbbbbbb2222";
    private static final String C = "cccccccccccccccc3333";

    @Test
    void parsesTokensRolesCommentsAndBlankLines() {
        ClientTokens tokens = ClientTokens.parse("""
                # comment line

                %s read
                %s write,read   # trailing comment
                %s\tadmin
                """.formatted(A, B, C), "test");
        assertEquals(3, tokens.size());
        assertEquals(Optional.of(Set.of(Role.READ)), tokens.rolesOf(A));
        assertEquals(Optional.of(Set.of(Role.READ, Role.WRITE)), tokens.rolesOf(B));
        assertEquals(Optional.of(EnumSet.allOf(Role.class)), tokens.rolesOf(C), "admin includes read and write");
        assertEquals(Optional.empty(), tokens.rolesOf("dddddddddddddddd4444"));
        assertEquals(Optional.empty(), tokens.rolesOf(A + "x"), "a longer token is another token");
        assertEquals(Optional.empty(), tokens.rolesOf(A.substring(1)), "a prefix is not the token");
        assertEquals(Optional.empty(), tokens.rolesOf(""));
    }

    @Test
    void mistakesNameTheKeyAndLineButNeverTheToken() {
        assertProblem(A + " reader", "line 1: unknown role 'reader'");
        assertProblem(A, "line 1: expected 'TOKEN ROLE[,ROLE...]'");
        assertProblem(A + " read write", "line 1: expected");
        assertProblem("short read", "line 1: a token must be 16..512 characters");
        assertProblem("has\"quote\"aaaaaaaaaaaa read", "line 1: a token must be");
        assertProblem(A + " read\n" + A + " write", "line 2: the token is listed twice");
        assertProblem("# only comments\n\n", "lists no token");
        assertProblem(A + " read,", "unknown role ''");
    }

    @Test
    void aFileOthersMayReadIsRefusedAndAnOwnerOnlyOneIsRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokens");
        Files.writeString(file, A + " read\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        ConfigException shared = assertThrows(ConfigException.class, () -> ClientTokens.load(file));
        assertTrue(shared.getMessage().startsWith("http.auth.tokens-file: ") && shared.getMessage().contains("chmod 600"),
                shared.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.of(Set.of(Role.READ)), ClientTokens.load(file).rolesOf(A));
        ConfigException missing = assertThrows(ConfigException.class, () -> ClientTokens.load(dir.resolve("absent")));
        assertTrue(missing.getMessage().startsWith("http.auth.tokens-file: "), missing.getMessage());
    }

    private static void assertProblem(String text, String expected) {
        ConfigException problem = assertThrows(ConfigException.class, () -> ClientTokens.parse(text, "tokens.txt"));
        assertTrue(problem.getMessage().startsWith("http.auth.tokens-file: tokens.txt"), problem.getMessage());
        assertTrue(problem.getMessage().contains(expected), problem.getMessage());
        assertFalse(problem.getMessage().contains(A), "the message echoes a token: " + problem.getMessage());
    }
}
