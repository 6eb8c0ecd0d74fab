package io.kvorum.config;

import java.util.List;

/** Renders the configuration reference (a Markdown table for the README) and the {@code --help} text from {@link ConfigKeys}. */
public final class ConfigReference {
    private static final String NEWLINE = "\n";

    private ConfigReference() {}

    /** A Markdown table of every key: name, default, allowed values, env var and description. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder();
        table.append("| Key (flag `--<key>`) | Default | Allowed | Env var | Description |").append(NEWLINE);
        table.append("| --- | --- | --- | --- | --- |").append(NEWLINE);
        for (ConfigKey<?> key : ConfigKeys.all()) {
            table.append("| ").append(code(key.name()))
                    .append(" | ").append(code(key.defaultText()))
                    .append(" | ").append(cell(key.allowed()))
                    .append(" | ").append(code(key.envVar()))
                    .append(" | ").append(cell(key.description()))
                    .append(" |").append(NEWLINE);
        }
        return table.toString();
    }

    /** The {@code --help} text: how settings are layered, then every flag with its default, env var and description. */
    public static String usage() {
        StringBuilder usage = new StringBuilder();
        for (String line : List.of(
                "Usage: kvorum [--config <file.yaml|file.json>] [--<key>=<value> | --<key> <value>]...",
                "",
                "Settings, in increasing precedence: built-in defaults; the config file (" + ConfigLoader.CONFIG_FLAG
                        + ", else env " + ConfigLoader.CONFIG_ENV + "); env vars KVORUM_<KEY>; flags.",
                "If a flag is repeated, the last one wins. Durations: 500ms, 2s, 1m, 1h, PT2S or plain milliseconds.",
                "Sizes: plain bytes or a KiB/MiB/GiB suffix (1MiB).",
                "")) {
            usage.append(line).append(NEWLINE);
        }
        for (ConfigKey<?> key : ConfigKeys.all()) {
            usage.append("  ").append(key.flag()).append("=<").append(key.allowed()).append('>').append(NEWLINE)
                    .append("      ").append(key.description()).append(NEWLINE)
                    .append("      default ").append(key.defaultText()).append(", env ").append(key.envVar())
                    .append(NEWLINE);
        }
        return usage.toString();
    }

    private static String code(String text) {
        return "`" + text.replace("`", "'").replace("|", "\\|") + "`";
    }

    /** Escapes what would break a table cell: pipes, and angle brackets that Markdown could take for HTML. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
