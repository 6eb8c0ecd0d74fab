package io.kvorum.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference is the table generated from {@link ConfigKeys}, so the
 * documentation cannot drift from the code. To refresh it, run this test with
 * {@code -Dkvorum.readme.update=true}.
 */
class ReadmeConfigurationReferenceTest {
    private static final String BEGIN = "<!-- BEGIN CONFIGURATION REFERENCE";
    private static final String END = "<!-- END CONFIGURATION REFERENCE -->";

    @Test
    void readmeHoldsTheGeneratedTable() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md lacks the configuration reference markers");
        int tableStart = text.indexOf('\n', begin) + 1;
        String expected = "\n" + ConfigReference.markdownTable().strip() + "\n\n";
        if (Boolean.getBoolean("kvorum.readme.update")) {
            Files.writeString(readme, text.substring(0, tableStart) + expected + text.substring(end), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, text.substring(tableStart, end),
                "README.md's configuration reference is stale; rerun this test with -Dkvorum.readme.update=true");
    }
}
