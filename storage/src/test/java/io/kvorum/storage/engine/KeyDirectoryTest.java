package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.storage.version.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The key directory against a {@link HashMap}: random puts, conditional moves and removes (backward-shift
 * deletion included), and the per-key summary anti-entropy reads (wall time, entry hash).
 */
class KeyDirectoryTest {
    /** What the directory should hold for one key. */
    private record Slot(Location location, long wallMillis, long high, long low) {
        Slot withDigest(long newHigh, long newLow) {
            return new Slot(location, wallMillis, newHigh, newLow);
        }
    }

    @Test
    void behavesLikeAMap() {
        Seeds.forEach(0x6B_D1_0001L, 20, (seed, random) -> {
            KeyDirectory keydir = new KeyDirectory();
            Map<String, Slot> model = new HashMap<>();
            for (int i = 0; i < 20_000; i++) {
                String key = "k" + random.nextInt(3_000);
                byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
                Location location = new Location(random.nextInt(1 << 20), random.nextInt(), random.nextInt(1, 1 << 20));
                Slot current = model.get(key);
                switch (random.nextInt(6)) {
                    case 0, 1 -> {
                        long wall = random.nextLong(0, 4_000_000_000_000L);
                        Slot previous = model.put(key, new Slot(location, wall / 1000 * 1000, 0, 0));
                        assertEquals(previous == null ? null : previous.location(), keydir.put(bytes, location, wall));
                    }
                    case 2 -> {
                        Slot previous = model.remove(key);
                        assertEquals(previous == null ? null : previous.location(), keydir.remove(bytes));
                    }
                    case 3 -> {
                        boolean moved = current != null && keydir.replace(bytes, current.location(), location);
                        if (moved) { // a compaction's move: the same record, so its summary stays
                            model.put(key, new Slot(location, current.wallMillis(), current.high(), current.low()));
                        }
                        assertEquals(current != null, moved);
                    }
                    default -> {
                        long high = random.nextLong();
                        long low = random.nextLong();
                        boolean stale = current == null || random.nextBoolean();
                        long position = stale ? KeyDirectory.pack(location) : KeyDirectory.pack(current.location());
                        keydir.setDigest(bytes, position, high, low);
                        if (current != null && position == KeyDirectory.pack(current.location())) {
                            model.put(key, current.withDigest(high, low));
                        }
                    }
                }
                Slot expected = model.get(key);
                assertEquals(expected == null ? null : expected.location(), keydir.get(bytes));
            }
            assertEquals(model.size(), keydir.size());
            Map<String, Location> all = new HashMap<>();
            keydir.forEach((k, l) -> all.put(new String(k, StandardCharsets.UTF_8), l));
            Map<String, Location> locations = new HashMap<>();
            model.forEach((k, slot) -> locations.put(k, slot.location()));
            assertEquals(locations, all);
            Map<String, Slot> summaries = new HashMap<>();
            keydir.forEachSummary((k, position, length, wall, high, low) -> summaries.put(new String(k, StandardCharsets.UTF_8),
                    new Slot(new Location((int) (position >>> 32), (int) position, length), wall, high, low)));
            assertEquals(model, summaries);
        });
    }
}
