package io.kvorum.config;

import static io.kvorum.config.Configs.fromFlags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code internode.secret-file} and {@code internode.tls.*}: a secret is read and checked (length,
 * owner-only permissions) with errors naming the key; a node on a non-loopback address refuses to
 * start without one; loopback runs without; TLS needs all three files.
 */
class ClusterSecretTest {
    private static final long SEED = 1414L;

    @TempDir
    Path dir;

    /** A secret file of {@code length} seeded bytes, owner-only. */
    static Path secretFile(Path dir, int length) {
        Path file = dir.resolve("secret-" + length);
        byte[] bytes = new byte[length];
        new SplittableRandom(SEED + length).nextBytes(bytes);
        try {
            Files.write(file, bytes);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Test
    void aGoodSecretIsReadAndDerivesIndependentKeys() {
        ClusterSecret secret = fromFlags("--internode.secret-file=" + secretFile(dir, 64)).internode().secret().orElseThrow();
        assertEquals(ClusterSecret.read(secretFile(dir, 64)), secret, "the same file gives the same secret");
        assertEquals(32, secret.derive("a").length);
        assertFalse(Arrays.equals(secret.derive("a"), secret.derive("b")), "labels give independent keys");
        assertFalse(secret.toString().contains(Arrays.toString(secret.derive("a"))));
        assertTrue(secret.toString().contains("redacted"));
        assertNotEquals(secret, ClusterSecret.read(secretFile(dir, 65)));
    }

    @Test
    void aShortSecretIsAConfigErrorNamingTheKey() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> fromFlags("--internode.secret-file=" + secretFile(dir, 31)));
        assertEquals(List.of("internode.secret-file"), error.keys());
        assertTrue(error.getMessage().contains("holds 31 bytes; a cluster secret needs at least 32"), error.getMessage());
        assertEquals(32, ClusterSecret.read(secretFile(dir, 32)).derive("x").length, "32 bytes are enough");
    }

    @Test
    void aSecretOthersCanReadIsAConfigError() throws IOException {
        Path file = secretFile(dir, 64);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException error = assertThrows(ConfigException.class, () -> fromFlags("--internode.secret-file=" + file));
        assertEquals(List.of("internode.secret-file"), error.keys());
        assertTrue(error.getMessage().contains("readable or writable by other users (mode rw-r--r--)"), error.getMessage());
    }

    @Test
    void aHugeFileIsNotTakenForASecret() throws IOException {
        Path file = secretFile(dir, ClusterSecret.BYTES_MAX + 1);
        ConfigException error = assertThrows(ConfigException.class, () -> fromFlags("--internode.secret-file=" + file));
        assertTrue(error.getMessage().startsWith("internode.secret-file: "), error.getMessage());
    }

    @Test
    void aNodeReachableFromOtherMachinesRefusesToStartWithoutASecret() {
        for (String host : List.of("0.0.0.0", "10.0.0.5", "kvorum-node-1", "::")) {
            ConfigException error = assertThrows(ConfigException.class, () -> fromFlags("--internode.host=" + host),
                    "internode.host " + host);
            assertEquals("internode.secret-file", error.keys().get(0), error.getMessage());
            assertTrue(error.getMessage().startsWith("internode.secret-file: must be set"), error.getMessage());
        }
        assertTrue(fromFlags("--internode.host=0.0.0.0", "--internode.secret-file=" + secretFile(dir, 64)).internode()
                .secret().isPresent());
    }

    @Test
    void loopbackRunsWithoutASecret() {
        for (String host : List.of("127.0.0.1", "127.0.0.2", "localhost", "::1")) {
            assertEquals(Optional.empty(), fromFlags("--internode.host=" + host).internode().secret(), host);
        }
        assertFalse(InternodeConfig.isLoopback("127.example.com"));
    }

    @Test
    void tlsNeedsAllThreeFiles() throws IOException {
        Path cert = Files.writeString(dir.resolve("node.pem"), "cert");
        Path key = Files.writeString(dir.resolve("node.key"), "key");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
        ConfigException error = assertThrows(ConfigException.class,
                () -> fromFlags("--internode.tls.cert-file=" + cert, "--internode.tls.ca-file=" + ca));
        assertEquals(List.of("internode.tls.key-file"), error.keys());
        InternodeTls tls = fromFlags("--internode.tls.cert-file=" + cert, "--internode.tls.key-file=" + key,
                "--internode.tls.ca-file=" + ca).internode().tls().orElseThrow();
        assertEquals(new InternodeTls(cert, key, ca), tls);
        assertEquals(Optional.empty(), KvorumConfig.defaults().internode().tls());
    }
}
