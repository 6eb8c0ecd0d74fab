package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.TokenRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RangeIndexTest {
    private static final long SEED = 0x16_0002L;

    @Test
    void findsTheRangeThatContainsTheTokenOrNone() {
        Random random = new Random(SEED);
        for (int round = 0; round < 300; round++) {
            TreeSet<Long> cuts = new TreeSet<>();
            int count = 1 + random.nextInt(12);
            while (cuts.size() < count + 1) {
                cuts.add(random.nextInt(4) == 0 ? (long) random.nextInt(100) - 50 : random.nextLong());
            }
            List<Long> points = new ArrayList<>(cuts);
            List<TokenRange> all = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                all.add(new TokenRange(points.get(i), points.get((i + 1) % points.size()))); // the last one wraps
            }
            List<TokenRange> some = new ArrayList<>(all.subList(0, 1 + random.nextInt(all.size())));
            Collections.shuffle(some, random);
            RangeIndex index = new RangeIndex(some);
            for (int probe = 0; probe < 200; probe++) {
                long token = switch (random.nextInt(4)) {
                    case 0 -> points.get(random.nextInt(points.size())) + random.nextInt(3) - 1;
                    case 1 -> (long) random.nextInt(100) - 50;
                    case 2 -> random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
                    default -> random.nextLong();
                };
                int expected = -1;
                for (int i = 0; i < some.size(); i++) {
                    if (some.get(i).contains(token)) {
                        expected = i;
                    }
                }
                assertEquals(expected, index.find(token), "token " + token + " in " + some + " (seed " + SEED + ", round " + round + ")");
            }
        }
        assertEquals(-1, new RangeIndex(List.of()).find(7));
        assertEquals(0, new RangeIndex(List.of(TokenRange.FULL_RING)).find(7));
    }
}
