package io.kvorum.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One setting: its dotted name, default, allowed values and description, declared once in
 * {@link ConfigKeys}. The env var and flag names derive from the dotted name.
 *
 * @param <T> the type of the parsed value
 */
public final class ConfigKey<T> {
    /** Prefix of every environment variable that sets a key. */
    static final String ENV_PREFIX = "KVORUM_";

    private final String name;
    private final String defaultText;
    private final ValueType<T> type;
    private final String allowed;
    private final Function<Lookup, T> defaultValue;
    private final String description;

    private ConfigKey(String name, String defaultText, ValueType<T> type, String allowed,
                      Function<Lookup, T> defaultValue, String description) {
        this.name = name;
        this.defaultText = defaultText;
        this.type = type;
        this.allowed = allowed;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** Reads the values of keys declared earlier, for defaults derived from them. */
    interface Lookup {
        <V> V get(ConfigKey<V> key);
    }

    /** A key whose default is {@code defaultText}, parsed and checked now, so a bad default fails class loading. */
    static <T> ConfigKey<T> of(String name, String defaultText, ValueType<T> type, String description) {
        T value = type.parse(defaultText);
        ConfigKey<T> key = new ConfigKey<>(name, defaultText, type, type.allowed(), lookup -> value, description);
        key.check(value);
        return key;
    }

    /** A key whose default is computed from keys declared before it; {@code defaultText} documents how. */
    static <T> ConfigKey<T> derived(String name, String defaultText, ValueType<T> type,
                                    Function<Lookup, T> defaultValue, String description) {
        return new ConfigKey<>(name, defaultText, type, type.allowed(), defaultValue, description);
    }

    /** This key with the allowed values described by {@code text} (for ranges that depend on other keys). */
    ConfigKey<T> allowing(String text) {
        return new ConfigKey<>(name, defaultText, type, text, defaultValue, description);
    }

    /** The dotted name used in the file and, after {@code --}, as a flag: {@code quorum.request-timeout}. */
    public String name() {
        return name;
    }

    /** The flag that sets this key: {@code --quorum.request-timeout}. */
    public String flag() {
        return "--" + name;
    }

    /** The environment variable that sets this key: {@code KVORUM_QUORUM_REQUEST_TIMEOUT}. */
    public String envVar() {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default as written in the reference (for example {@code 2s}, or {@code ./data/<node.id>}). */
    public String defaultText() {
        return defaultText;
    }

    /** The allowed values (for example {@code 0..65535} or {@code 1..quorum.n}). */
    public String allowed() {
        return allowed;
    }

    /** One line saying what the key controls. */
    public String description() {
        return description;
    }

    /** Prints a value of this key in the notation the settings accept. */
    public String format(T value) {
        return type.format(value);
    }

    /** Parses and range-checks a supplied value; errors name this key, the allowed values and the source. */
    T parse(Setting setting) {
        T value;
        try {
            value = type.parse(setting.value());
        } catch (ValueProblem problem) {
            throw new ConfigException(List.of(name), name + ": " + problem.getMessage()
                    + " (allowed " + allowed + "), from " + setting.origin());
        }
        if (!type.inRange(value)) {
            throw new ConfigException(List.of(name), outOfRange(value) + ", from " + setting.origin());
        }
        return value;
    }

    /** The default, derived from the keys declared earlier when it depends on them. */
    T defaultValue(Lookup lookup) {
        return check(defaultValue.apply(lookup));
    }

    /** Returns {@code value} if it is set and in range; used by the records' compact constructors. */
    T check(T value) {
        ConfigException.requireSet(value, name);
        if (!type.inRange(value)) {
            throw new ConfigException(List.of(name), outOfRange(value));
        }
        return value;
    }

    private String outOfRange(T value) {
        return name + ": " + type.format(value) + " is out of range " + allowed;
    }

    @Override
    public String toString() {
        return name;
    }
}
