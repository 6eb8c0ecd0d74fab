package io.kvorum.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    @Test
    void everyDeclaredKeyIsRegistered() throws IllegalAccessException {
        List<Object> declared = new ArrayList<>();
        for (Field field : ConfigKeys.class.getDeclaredFields()) {
            if (field.getType() == ConfigKey.class && Modifier.isStatic(field.getModifiers())) {
                assertTrue(Modifier.isPublic(field.getModifiers()), field.getName() + " should be public");
                declared.add(field.get(null));
            }
        }

        assertEquals(declared, List.copyOf(ConfigKeys.all()), "ConfigKeys.all() lists every key once, in declaration order");
    }

    @Test
    void markdownTableListsEveryKeyWithItsDefaultAndEnvVar() {
        String table = ConfigReference.markdownTable();
        List<String> rows = table.lines().toList();

        assertEquals(ConfigKeys.all().size() + 2, rows.size());
        for (ConfigKey<?> key : ConfigKeys.all()) {
            assertTrue(rows.stream().anyMatch(row -> row.startsWith("| `" + key.name() + "` | `" + key.defaultText() + "` | ")
                    && row.contains("| `" + key.envVar() + "` |")), () -> key + " missing from\n" + table);
        }
        for (String row : rows) {
            assertEquals(7, row.split("(?<!\\\\)\\|", -1).length, () -> "row has the wrong number of cells: " + row);
        }
    }

    @Test
    void usageListsEveryFlag() {
        String usage = ConfigLoader.usage();

        assertTrue(usage.contains("--config"));
        for (ConfigKey<?> key : ConfigKeys.all()) {
            assertTrue(usage.contains(key.flag() + "=<"), () -> key + " missing from usage");
            assertTrue(usage.contains(key.description()), () -> key + " description missing from usage");
        }
    }

    @Test
    void namesAreUniqueAndDescribed() {
        Set<String> envVars = new HashSet<>();
        for (ConfigKey<?> key : ConfigKeys.all()) {
            assertTrue(key.name().matches("[a-z]+(-[a-z]+)*(\\.[a-z]+(-[a-z]+)*)+"), () -> key + " is not a dotted kebab-case name");
            assertTrue(envVars.add(key.envVar()), () -> key.envVar() + " is used twice");
            assertFalse(key.description().isBlank(), () -> key + " has no description");
            assertFalse(key.description().contains("\n"), () -> key + " description spans lines");
        }
        assertFalse(envVars.contains(ConfigLoader.CONFIG_ENV));
    }

    @Test
    void closestFindsTyposButNotStrangers() {
        assertEquals("quorum.n", ConfigKeys.closest("quorum.m").orElseThrow().name());
        assertEquals("http.port", ConfigKeys.closest("http.prot").orElseThrow().name());
        assertEquals("internode.connect-timeout", ConfigKeys.closest("INTERNODE.CONNECT_TIMEOUT").orElseThrow().name());
        assertEquals("storage.engine", ConfigKeys.closest("engine").orElseThrow().name());
        assertTrue(ConfigKeys.closest("port").isEmpty(), "ambiguous: http.port or internode.port");
        assertTrue(ConfigKeys.closest("telemetry.endpoint").isEmpty());
    }
}
