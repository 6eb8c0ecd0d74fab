package io.kvorum.config;

import io.kvorum.common.Invariants;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key's value after layering, with the source it came from, so that errors found later (by the
 * records' cross-key checks) can still say where the offending values were set.
 */
final class Resolved implements ConfigKey.Lookup {
    private final Map<ConfigKey<?>, Object> values = new HashMap<>(); // lookup only
    private final Map<String, String> origins = new HashMap<>(); // lookup only

    private Resolved() {}

    /** Resolves every key: the value from the last layer that sets it, else the key's default. */
    static Resolved resolve(List<Map<String, Setting>> layersLowestFirst) {
        Resolved resolved = new Resolved();
        for (ConfigKey<?> key : ConfigKeys.all()) {
            resolved.resolveKey(key, layersLowestFirst);
        }
        return resolved;
    }

    private <T> void resolveKey(ConfigKey<T> key, List<Map<String, Setting>> layersLowestFirst) {
        for (int i = layersLowestFirst.size() - 1; i >= 0; i--) {
            Setting setting = layersLowestFirst.get(i).get(key.name());
            if (setting != null) {
                values.put(key, key.parse(setting));
                origins.put(key.name(), setting.origin());
                return;
            }
        }
        T value;
        try {
            value = key.defaultValue(this);
        } catch (ConfigException e) {
            throw attributed(e); // a derived default can only be wrong because of the keys it derives from
        }
        values.put(key, value);
        origins.put(key.name(), Setting.DEFAULT_ORIGIN);
    }

    @Override
    @SuppressWarnings("unchecked") // values holds a T for every ConfigKey<T>; resolveKey puts nothing else
    public <V> V get(ConfigKey<V> key) {
        Object value = values.get(key);
        Invariants.check(value != null, "%s read before it was resolved (derived defaults may read only earlier keys)", key);
        return (V) value;
    }

    /** {@code error} with the sources of the keys it names appended, for errors found after parsing. */
    ConfigException attributed(ConfigException error) {
        List<String> keys = error.keys().stream().filter(origins::containsKey).toList();
        if (keys.isEmpty()) {
            return error;
        }
        if (keys.size() == 1) {
            return new ConfigException(error.keys(), error.getMessage() + ", from " + origins.get(keys.get(0)));
        }
        StringBuilder message = new StringBuilder(error.getMessage()).append(';');
        for (int i = 0; i < keys.size(); i++) {
            message.append(i == 0 ? " " : ", ").append(keys.get(i)).append(" from ").append(origins.get(keys.get(i)));
        }
        return new ConfigException(error.keys(), message.toString());
    }
}
