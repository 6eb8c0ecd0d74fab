package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.http.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Compose {@code monitoring} profile's Prometheus files (monitoring/): both scrape configurations
 * and the alert rules pass {@code promtool check}, and {@code promtool test rules} replays the cases
 * each alert must fire on (a node unreachable, a member down, hints growing or dropped, anti-entropy
 * behind) and those where it must stay silent.
 */
class MonitoringRulesIT {
    private static final Path MONITORING = Path.of("..", "monitoring");

    @Test
    void configurationsAndRulesPassPromtoolAndTheRuleTestsPass() throws Exception {
        Path promtool = Promtool.require();
        assertTrue(Files.isDirectory(MONITORING), "no " + MONITORING.toAbsolutePath());
        for (List<String> check : List.of(
                List.of("check", "config", "prometheus.yml"),
                List.of("check", "config", "prometheus-5.yml"),
                List.of("check", "rules", "kvorum-rules.yml"),
                List.of("test", "rules", "kvorum-rules.test.yml"))) {
            Promtool.Verdict verdict = Promtool.run(promtool, check, MONITORING, "");
            assertEquals(0, verdict.exitStatus(), "promtool " + String.join(" ", check) + ":\n" + verdict.output());
        }
    }
}
