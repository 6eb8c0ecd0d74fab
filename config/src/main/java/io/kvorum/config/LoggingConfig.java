package io.kvorum.config;

/**
 * How the node logs ({@code logging.*}): the line format of its log file and stderr, and whether it
 * logs one line per HTTP request from the start (operators can switch that at run time too).
 *
 * @param format text lines for people, or one JSON object per line for log shippers
 * @param requests whether request logging is on when the node starts
 */
public record LoggingConfig(Format format, boolean requests) {
    public LoggingConfig {
        ConfigKeys.LOGGING_FORMAT.check(format);
    }

    /** The log line formats; written in lower case in settings. */
    public enum Format {
        /** Human-readable lines: time, level, thread, logger, message. */
        TEXT,
        /** One JSON object per line (Logback's JsonEncoder), for Loki, Elasticsearch, Cloud Logging and the like. */
        JSON
    }
}
