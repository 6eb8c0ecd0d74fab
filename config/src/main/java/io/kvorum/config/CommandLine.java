package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed command line: {@code --key=value} or {@code --key value} settings (the last of a
 * repeated flag wins, so a script may append overrides) and the {@code --config} file path.
 */
record CommandLine(Optional<String> configPath, Map<String, Setting> settings) {
    static final String CONFIG_FLAG = "--config";
    static final List<String> HELP_FLAGS = List.of("--help", "-h");

    static CommandLine parse(List<String> args) {
        String configPath = null;
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = flagName(arg);
            int equals = arg.indexOf('=');
            boolean inline = equals >= 0;
            String value = inline ? arg.substring(equals + 1) : valueAfter(args, i, flag);
            if (!inline) {
                i++;
            }
            if (flag.equals(CONFIG_FLAG)) {
                if (value.isBlank()) {
                    throw new ConfigException("flag " + CONFIG_FLAG + " needs a file path");
                }
                configPath = value;
            } else {
                settings.put(flag.substring(2), Setting.text(value, "flag " + flag));
            }
        }
        return new CommandLine(Optional.ofNullable(configPath), settings);
    }

    /** The flag in {@code arg} ({@code --http.port} of {@code --http.port=8081}), which must be a known one. */
    private static String flagName(String arg) {
        if (arg == null) {
            throw new ConfigException("unexpected null argument");
        }
        if (HELP_FLAGS.contains(arg)) {
            throw new ConfigException("flag " + arg + " must be handled before loading (see ConfigLoader.helpRequested)");
        }
        if (!arg.startsWith("--") || arg.length() == 2) {
            throw new ConfigException("unexpected argument " + quote(arg) + "; settings are flags such as --quorum.n=3");
        }
        int equals = arg.indexOf('=');
        String flag = equals < 0 ? arg : arg.substring(0, equals);
        if (flag.equals(CONFIG_FLAG) || ConfigKeys.byName(flag.substring(2)).isPresent()) {
            return flag;
        }
        String suggestion = ConfigKeys.closest(flag.substring(2)).map(key -> "; did you mean " + key.flag() + "?").orElse("");
        throw new ConfigException("unknown flag " + quote(flag) + suggestion);
    }

    private static String valueAfter(List<String> args, int index, String flag) {
        if (index + 1 >= args.size() || args.get(index + 1) == null || args.get(index + 1).startsWith("--")) {
            throw new ConfigException("flag " + flag + " needs a value (" + flag + "=<value> or " + flag + " <value>)");
        }
        return args.get(index + 1);
    }
}
