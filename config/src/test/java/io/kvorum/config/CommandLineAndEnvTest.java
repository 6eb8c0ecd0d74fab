package io.kvorum.config;

import static io.kvorum.config.Configs.assertConfigError;
import static io.kvorum.config.Configs.fromFlags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineAndEnvTest {
    @Test
    void flagsTakeInlineOrSeparateValues() {
        KvorumConfig config = fromFlags("--quorum.n=4", "--quorum.r", "3", "--http.host=::1");

        assertEquals(4, config.quorum().n());
        assertEquals(3, config.quorum().r());
        assertEquals("::1", config.http().host());
    }

    @Test
    void booleansAndSectionsWithHyphensComeFromFlagsAndEnv() {
        KvorumConfig config = ConfigLoader.load(List.of("--handoff.enabled=false", "--anti-entropy.interval=1m"),
                Map.of("KVORUM_QUORUM_SLOPPY", "false", "KVORUM_ANTI_ENTROPY_MAX_BYTES_PER_EXCHANGE", "1MiB",
                        "KVORUM_QUORUM_DIGEST_READS", "false"));

        assertFalse(config.quorum().sloppy());
        assertFalse(config.quorum().digestReads());
        assertTrue(ConfigLoader.load(List.of(), Map.of()).quorum().digestReads(), "digest reads by default");
        assertFalse(config.handoff().enabled());
        assertEquals(60_000, config.antiEntropy().intervalMillis());
        assertEquals(1024 * 1024, config.antiEntropy().maxBytesPerExchange());
        assertTrue(config.antiEntropy().enabled());
    }

    @Test
    void unknownFlagIsNamedWithTheClosestKnownFlag() {
        assertConfigError(() -> fromFlags("--quorum.nn=3"), "unknown flag '--quorum.nn'", "did you mean --quorum.n?");
        assertConfigError(() -> fromFlags("--htpp.port", "80"), "unknown flag '--htpp.port'", "did you mean --http.port?");
        ConfigException far = assertConfigError(() -> fromFlags("--verbose"), "unknown flag '--verbose'");
        assertFalse(far.getMessage().contains("did you mean"));
    }

    @Test
    void flagWithoutValueIsRejected() {
        assertConfigError(() -> fromFlags("--quorum.n"), "flag --quorum.n needs a value");
        assertConfigError(() -> fromFlags("--quorum.n", "--quorum.r=1"), "flag --quorum.n needs a value");
        assertConfigError(() -> fromFlags("--config"), "flag --config needs a value");
        assertConfigError(() -> fromFlags("--config="), "flag --config needs a file path");
    }

    @Test
    void emptyInlineValueIsAnInvalidValue() {
        assertConfigError(() -> fromFlags("--http.port="),
                "http.port: has no value (allowed 0..65535), from flag --http.port");
    }

    @Test
    void positionalArgumentsAreRejected() {
        assertConfigError(() -> fromFlags("start"), "unexpected argument 'start'");
        assertConfigError(() -> fromFlags("-quorum.n=3"), "unexpected argument '-quorum.n=3'");
        assertConfigError(() -> fromFlags("--"), "unexpected argument '--'");
    }

    @Test
    void helpIsLeftToTheCaller() {
        assertTrue(ConfigLoader.helpRequested(List.of("--quorum.n=3", "--help")));
        assertTrue(ConfigLoader.helpRequested(List.of("-h")));
        assertFalse(ConfigLoader.helpRequested(List.of("--quorum.n=3")));
        assertConfigError(() -> fromFlags("--help"), "--help", "ConfigLoader.helpRequested");
    }

    @Test
    void envVarsAreNamedAfterKeys() {
        assertEquals("KVORUM_QUORUM_REQUEST_TIMEOUT", ConfigKeys.QUORUM_REQUEST_TIMEOUT.envVar());
        assertEquals("KVORUM_NODE_DATA_DIR", ConfigKeys.NODE_DATA_DIR.envVar());
        assertEquals("--quorum.request-timeout", ConfigKeys.QUORUM_REQUEST_TIMEOUT.flag());
    }

    @Test
    void envSetsKeys() {
        KvorumConfig config = ConfigLoader.load(List.of(), Map.of(
                "KVORUM_NODE_ID", "node-9",
                "KVORUM_CLUSTER_MEMBERS", "node-8@h8:9081/h8:8081,node-9@h9:9081/h9:8081",
                "KVORUM_STORAGE_ENGINE", "MEMORY"));

        assertEquals("node-9", config.node().id().value());
        assertEquals(2, config.cluster().members().size());
    }

    @Test
    void unknownAndBlankEnvVarsAreIgnored() {
        KvorumConfig config = ConfigLoader.load(List.of(), Map.of(
                "KVORUM_LOG_LEVEL", "debug",
                "KVORUM_QUORUM_NN", "7",
                "KVORUM_HTTP_PORT", "",
                "PATH", "/usr/bin"));

        assertEquals(KvorumConfig.defaults(), config);
    }

    @Test
    void badEnvValueNamesTheEnvVar() {
        assertConfigError(() -> ConfigLoader.load(List.of(), Map.of("KVORUM_HTTP_PORT", "abc")),
                "http.port: 'abc' is not an integer (allowed 0..65535), from env KVORUM_HTTP_PORT");
    }
}
