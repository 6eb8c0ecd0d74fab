package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvorum.config.LoggingConfig.Format;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** logging.format: which Logback configuration is chosen, and that the JSON one writes one JSON object per line. */
class LogSetupTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path logDir;

    @Test
    void textKeepsLogbacksDefaultJsonSelectsTheJsonConfigurationAndAnOperatorsFileWins() {
        assertEquals(Optional.empty(), LogSetup.configurationFor(Format.TEXT, Optional.empty()));
        assertEquals(Optional.of("logback-json.xml"), LogSetup.configurationFor(Format.JSON, Optional.empty()));
        assertEquals(Optional.empty(), LogSetup.configurationFor(Format.JSON, Optional.of("/etc/kvorum/logback.xml")));
    }

    @Test
    void theJsonConfigurationWritesOneJsonObjectPerLineWithKeyValuesAndExceptions() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what Logback's SLF4J provider gives the process's context
        context.putProperty("kvorum.log.dir", logDir.toString());
        context.putProperty("kvorum.node.id", "node-7");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL resource = getClass().getClassLoader().getResource(LogSetup.JSON_CONFIGURATION);
        configurator.doConfigure(resource);
        Logger requests = context.getLogger("kvorum.requests");
        requests.atInfo().addKeyValue("method", "GET").addKeyValue("status", 200).log("GET /kv/a 200 \"quoted\"\nsecond line");
        context.getLogger("io.kvorum.test").error("it broke", new IllegalStateException("boom"));
        context.stop();

        List<String> lines = Files.readAllLines(logDir.resolve("node.log"), StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), "one line per event, even for a message with a newline: " + lines);
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("INFO", first.get("level").asText());
        assertEquals("kvorum.requests", first.get("loggerName").asText());
        assertEquals("GET /kv/a 200 \"quoted\"\nsecond line", first.get("formattedMessage").asText());
        assertEquals("node-7", first.get("context").get("name").asText());
        assertTrue(first.get("timestamp").asLong() > 0, lines.get(0));
        assertTrue(first.get("kvpList").toString().contains("\"method\":\"GET\""), lines.get(0));
        JsonNode second = JSON.readTree(lines.get(1));
        assertEquals("ERROR", second.get("level").asText());
        assertEquals("boom", second.get("throwable").get("message").asText(), lines.get(1));
    }
}
