package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.storage.version.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The key directory against a {@link HashMap}: random puts, conditional moves and removes (backward-shift deletion included). */
class KeyDirectoryTest {
    @Test
    void behavesLikeAMap() {
        Seeds.forEach(0x6B_D1_0001L, 20, (seed, random) -> {
            KeyDirectory keydir = new KeyDirectory();
            Map<String, Location> model = new HashMap<>();
            for (int i = 0; i < 20_000; i++) {
                String key = "k" + random.nextInt(3_000);
                byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
                Location location = new Location(random.nextInt(1 << 20), random.nextInt(), random.nextInt(1, 1 << 20));
                switch (random.nextInt(4)) {
                    case 0, 1 -> assertEquals(model.put(key, location), keydir.put(bytes, location));
                    case 2 -> assertEquals(model.remove(key), keydir.remove(bytes));
                    default -> {
                        Location current = model.get(key);
                        boolean moved = current != null && keydir.replace(bytes, current, location);
                        if (moved) {
                            model.put(key, location);
                        }
                        assertEquals(current != null, moved);
                    }
                }
                assertEquals(model.get(key), keydir.get(bytes));
            }
            assertEquals(model.size(), keydir.size());
            Map<String, Location> all = new HashMap<>();
            keydir.forEach((k, l) -> all.put(new String(k, StandardCharsets.UTF_8), l));
            assertEquals(model, all);
        });
    }
}
