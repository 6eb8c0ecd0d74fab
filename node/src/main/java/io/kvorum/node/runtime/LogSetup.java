package io.kvorum.node.runtime;

import io.kvorum.config.LoggingConfig;
import java.util.Optional;

/**
 * Picks the Logback configuration for {@code logging.format} before the first logger is created:
 * {@code logback.xml} (text lines) is Logback's default, {@code logback-json.xml} (one JSON object per
 * line through Logback's own {@code JsonEncoder}) is chosen through Logback's
 * {@code logback.configurationFile} property. A configuration file the operator named with that
 * property wins over both.
 */
final class LogSetup {
    static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";
    static final String JSON_CONFIGURATION = "logback-json.xml";

    private LogSetup() {}

    /** The configuration resource to select for {@code format}, unless the operator chose one ({@code chosen}). */
    static Optional<String> configurationFor(LoggingConfig.Format format, Optional<String> chosen) {
        if (chosen.isPresent()) {
            return Optional.empty();
        }
        return switch (format) {
            case TEXT -> Optional.empty();
            case JSON -> Optional.of(JSON_CONFIGURATION);
        };
    }

    /** Sets Logback's configuration property for {@code format}; must run before logging starts. */
    static void chooseFormat(LoggingConfig.Format format) {
        configurationFor(format, Optional.ofNullable(System.getProperty(CONFIGURATION_FILE_PROPERTY)))
                .ifPresent(resource -> System.setProperty(CONFIGURATION_FILE_PROPERTY, resource));
    }
}
