package io.kvorum.bench.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a phase ends, and that the warm-up's operations never bring the end closer. */
class BudgetTest {

    @Test
    void warmupOperationsAreNotCountedAgainstTheOperations() {
        Budget budget = new Budget(2, 1_000, Long.MAX_VALUE);
        for (int i = 0; i < 100; i++) {
            assertTrue(budget.tryTake(i, i), "warm-up operation " + i);
        }
        assertTrue(budget.tryTake(1_000, 1_000));
        // Taken before the warm-up ends but intended after it (a paced worker ahead of schedule): counted.
        assertTrue(budget.tryTake(990, 1_004));
        assertFalse(budget.tryTake(1_010, 1_010));
        // Intended in the warm-up, sent late (a paced run's backlog): still the warm-up's.
        assertTrue(budget.tryTake(1_020, 999));
    }

    @Test
    void theDeadlineEndsWarmupAndCountedOperationsAlike() {
        Budget budget = new Budget(Long.MAX_VALUE, 1_000, 3_000);
        assertTrue(budget.tryTake(2_999, 2_999));
        assertFalse(budget.tryTake(3_000, 3_000));
        assertFalse(budget.tryTake(3_000, 500));
    }
}
