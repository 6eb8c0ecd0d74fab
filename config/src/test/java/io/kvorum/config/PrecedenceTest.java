package io.kvorum.config;

import static io.kvorum.config.Configs.assertConfigError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each source overrides the one before it, key by key: default < file < env < flag. */
class PrecedenceTest {
    @TempDir
    Path dir;

    private Path file;

    private Path file() throws IOException {
        if (file == null) {
            file = Files.writeString(dir.resolve("kvorum.yaml"), """
                    ring: {vnodes-per-node: 10}
                    quorum: {n: 5, request-timeout: 3s}
                    http: {port: 8001}
                    """);
        }
        return file;
    }

    private KvorumConfig load(boolean withFile, Map<String, String> env, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of(flags));
        if (withFile) {
            args.addAll(List.of("--config", file().toString()));
        }
        return ConfigLoader.load(args, env);
    }

    @Test
    void defaultWhenNothingSetsTheKey() throws IOException {
        assertEquals(8081, load(false, Map.of()).http().port());
    }

    @Test
    void fileOverridesDefault() throws IOException {
        KvorumConfig config = load(true, Map.of());

        assertEquals(8001, config.http().port());
        assertEquals(10, config.ring().vnodesPerNode());
        assertEquals(2, config.quorum().r(), "keys the file does not set keep their defaults");
    }

    @Test
    void envOverridesFile() throws IOException {
        KvorumConfig config = load(true, Map.of("KVORUM_HTTP_PORT", "8002", "KVORUM_QUORUM_REQUEST_TIMEOUT", "4s"));

        assertEquals(8002, config.http().port());
        assertEquals(Duration.ofSeconds(4), config.quorum().requestTimeout());
        assertEquals(10, config.ring().vnodesPerNode(), "keys the env does not set keep the file's value");
    }

    @Test
    void flagOverridesEnv() throws IOException {
        KvorumConfig config = load(true, Map.of("KVORUM_HTTP_PORT", "8002"), "--http.port=8003");

        assertEquals(8003, config.http().port());
        assertEquals(5, config.quorum().n());
    }

    @Test
    void flagOverridesFileWithoutEnv() throws IOException {
        assertEquals(Duration.ofMillis(750), load(true, Map.of(), "--quorum.request-timeout", "750ms").quorum().requestTimeout());
    }

    @Test
    void lastRepeatedFlagWins() {
        assertEquals(8005, Configs.fromFlags("--http.port=8004", "--http.port", "8005").http().port());
    }

    @Test
    void aBadValueHiddenByAHigherSourceIsNeverParsed() throws IOException {
        assertEquals(8003, load(false, Map.of("KVORUM_HTTP_PORT", "not-a-port"), "--http.port=8003").http().port());
    }

    @Test
    void errorsNameTheSourceThatSuppliedTheWinningValue() throws IOException {
        assertConfigError(() -> load(true, Map.of("KVORUM_QUORUM_N", "17")),
                "quorum.n: 17 is out of range 1..16, from env KVORUM_QUORUM_N");
        assertConfigError(() -> load(true, Map.of("KVORUM_QUORUM_N", "17"), "--quorum.n=0"),
                "quorum.n: 0 is out of range 1..16, from flag --quorum.n");
    }
}
