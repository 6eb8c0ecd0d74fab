package io.kvorum.storage.hint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hints contract on {@link MemoryHintStore}, and its copies. */
class MemoryHintStoreTest extends HintsContract {
    @Override
    protected Hints newHints(int capPerOwner) {
        return new MemoryHintStore(capPerOwner);
    }

    @Test
    void aCopyHoldsTheSameHintsIdsAndCap() {
        MemoryHintStore store = new MemoryHintStore(3);
        store.append(hint(B, "k1", "one"));
        store.append(hint(C, "k2", "two"));

        MemoryHintStore copy = store.copy();

        assertEquals(store.hintsFor(B, 10), copy.hintsFor(B, 10));
        assertEquals(store.hintsFor(C, 10), copy.hintsFor(C, 10));
        assertEquals(List.of(B, C), copy.owners());
        assertEquals(2, copy.total());
        assertEquals(3, copy.capPerOwner());
    }

    @Test
    void aCopyAndItsSourceChangeIndependently() {
        MemoryHintStore store = new MemoryHintStore(10);
        store.append(hint(B, "k1", "one"));
        long id = store.hintsFor(B, 10).get(0).id();
        MemoryHintStore copy = store.copy();

        store.append(hint(B, "k2", "two"));
        copy.delete(B, List.of(id));
        copy.append(hint(C, "k3", "three"));

        assertEquals(List.of(hint(B, "k1", "one"), hint(B, "k2", "two")), hintsOf(store.hintsFor(B, 10)));
        assertEquals(List.of(B), store.owners());
        assertEquals(List.of(C), copy.owners());
        assertEquals(1, copy.total());
        assertTrue(copy.hintsFor(C, 10).get(0).id() > id, "a copy goes on with the source's ids, not from 1");
    }

    @Test
    void closingTheSourceLeavesTheCopy() {
        MemoryHintStore store = new MemoryHintStore(10);
        store.append(hint(B, "k1", "one"));
        MemoryHintStore copy = store.copy();

        store.close();

        assertEquals(0, store.total());
        assertEquals(List.of(hint(B, "k1", "one")), hintsOf(copy.hintsFor(B, 10)));
    }
}
