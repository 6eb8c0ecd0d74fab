package io.kvorum.storage.hint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Hints} shares. An implementation's test extends this class and says how
 * to build an empty store; stores are closed after each test.
 */
public abstract class HintsContract {
    protected static final NodeId B = NodeId.of("node-b");
    protected static final NodeId C = NodeId.of("node-c");
    protected static final NodeId D = NodeId.of("node-d");
    private static final int ALL = 1_000;

    private final List<Hints> opened = new ArrayList<>();

    /** A new, empty store holding at most {@code capPerOwner} hints per owner. */
    protected abstract Hints newHints(int capPerOwner);

    @AfterEach
    final void closeStores() {
        opened.forEach(Hints::close);
    }

    /** A new, empty store that is closed after the test. */
    protected final Hints open(int capPerOwner) {
        Hints hints = newHints(capPerOwner);
        opened.add(hints);
        return hints;
    }

    protected static Hint hint(NodeId owner, String key, String value) {
        Siblings state = Siblings.EMPTY.write(new DotIssuer(new Actor(NodeId.of("node-a"), 0)), CausalContext.EMPTY,
                Optional.of(Bytes.utf8(value)), 5, 50).state();
        return new Hint(owner, Key.of(key), state);
    }

    protected static List<Hint> hintsOf(List<Hints.Entry> entries) {
        return entries.stream().map(Hints.Entry::hint).toList();
    }

    protected static List<Long> idsOf(List<Hints.Entry> entries) {
        return entries.stream().map(Hints.Entry::id).toList();
    }

    @Test
    void hintsComeBackPerOwnerOldestFirst() {
        Hints store = open(100);
        assertTrue(store.append(hint(B, "k1", "one")));
        assertTrue(store.append(hint(C, "k2", "two")));
        assertTrue(store.append(hint(B, "k3", "three")));
        assertTrue(store.append(hint(B, "k1", "four")));

        assertEquals(List.of(hint(B, "k1", "one"), hint(B, "k3", "three"), hint(B, "k1", "four")),
                hintsOf(store.hintsFor(B, ALL)));
        assertEquals(List.of(hint(C, "k2", "two")), hintsOf(store.hintsFor(C, ALL)));
    }

    @Test
    void maxBoundsHowManyComeBack() {
        Hints store = open(100);
        store.append(hint(B, "k1", "one"));
        store.append(hint(B, "k2", "two"));
        store.append(hint(B, "k3", "three"));

        assertEquals(List.of(), store.hintsFor(B, 0));
        assertEquals(List.of(hint(B, "k1", "one")), hintsOf(store.hintsFor(B, 1)));
        assertEquals(List.of(hint(B, "k1", "one"), hint(B, "k2", "two")), hintsOf(store.hintsFor(B, 2)));
        assertEquals(3, store.hintsFor(B, ALL).size());
        assertEquals(List.of(), store.hintsFor(D, ALL), "an owner without hints has none");
        assertThrows(IllegalArgumentException.class, () -> store.hintsFor(B, -1));
    }

    @Test
    void idsGrowWithEveryAppendAcrossOwners() {
        Hints store = open(100);
        store.append(hint(B, "k1", "one"));
        store.append(hint(C, "k2", "two"));
        store.append(hint(B, "k3", "three"));

        long b1 = store.hintsFor(B, ALL).get(0).id();
        long c1 = store.hintsFor(C, ALL).get(0).id();
        long b2 = store.hintsFor(B, ALL).get(1).id();
        assertTrue(b1 < c1 && c1 < b2, () -> "ids " + b1 + ", " + c1 + ", " + b2);
    }

    @Test
    void appendBeyondTheCapIsRefusedAndStoresNothing() {
        Hints store = open(2);
        assertTrue(store.append(hint(B, "k1", "one")));
        assertTrue(store.append(hint(B, "k2", "two")));

        assertFalse(store.append(hint(B, "k3", "three")));

        assertEquals(2, store.count(B));
        assertEquals(2, store.total());
        assertEquals(List.of(hint(B, "k1", "one"), hint(B, "k2", "two")), hintsOf(store.hintsFor(B, ALL)));
        assertTrue(store.append(hint(C, "k3", "three")), "the cap is per owner");
        assertEquals(2, store.capPerOwner());
    }

    @Test
    void deliveringHintsMakesRoomUnderTheCap() {
        Hints store = open(2);
        store.append(hint(B, "k1", "one"));
        store.append(hint(B, "k2", "two"));
        assertFalse(store.append(hint(B, "k3", "three")));

        store.delete(B, idsOf(store.hintsFor(B, 1)));

        assertTrue(store.append(hint(B, "k3", "three")));
        assertEquals(List.of(hint(B, "k2", "two"), hint(B, "k3", "three")), hintsOf(store.hintsFor(B, ALL)));
    }

    @Test
    void deleteRemovesOnlyTheGivenIds() {
        Hints store = open(100);
        for (int i = 1; i <= 4; i++) {
            store.append(hint(B, "k" + i, "v" + i));
        }
        store.append(hint(C, "c", "c"));
        List<Long> ids = idsOf(store.hintsFor(B, ALL));

        store.delete(B, List.of(ids.get(0), ids.get(2)));

        List<Hints.Entry> left = store.hintsFor(B, ALL);
        assertEquals(List.of(ids.get(1), ids.get(3)), idsOf(left));
        assertEquals(List.of(hint(B, "k2", "v2"), hint(B, "k4", "v4")), hintsOf(left));
        assertEquals(2, store.count(B));
        assertEquals(1, store.count(C));
        assertEquals(3, store.total());
    }

    @Test
    void deletingIdsThatAreNotStoredIsHarmless() {
        Hints store = open(100);
        store.append(hint(B, "k1", "one"));
        store.append(hint(C, "k2", "two"));
        long b = store.hintsFor(B, ALL).get(0).id();
        long c = store.hintsFor(C, ALL).get(0).id();

        store.delete(B, List.of(b + 12_345));
        store.delete(B, List.of());
        store.delete(B, List.of(c)); // C's hint, under the wrong owner
        store.delete(D, List.of(b, c)); // an owner with no hints

        assertEquals(List.of(hint(B, "k1", "one")), hintsOf(store.hintsFor(B, ALL)));
        assertEquals(List.of(hint(C, "k2", "two")), hintsOf(store.hintsFor(C, ALL)));
        store.delete(B, List.of(b));
        store.delete(B, List.of(b, b)); // already deleted
        assertEquals(0, store.count(B));
        assertEquals(1, store.total());
    }

    @Test
    void countTotalAndOwnersFollowAppendsAndDeletes() {
        Hints store = open(100);
        assertEquals(0, store.total());
        assertEquals(List.of(), store.owners());

        store.append(hint(D, "k1", "one"));
        store.append(hint(B, "k2", "two"));
        store.append(hint(D, "k3", "three"));

        assertEquals(List.of(B, D), store.owners(), "sorted, not in order of arrival");
        assertEquals(1, store.count(B));
        assertEquals(2, store.count(D));
        assertEquals(0, store.count(C));
        assertEquals(3, store.total());

        store.delete(B, idsOf(store.hintsFor(B, ALL)));

        assertEquals(List.of(D), store.owners(), "an owner whose hints are all delivered is no longer listed");
        assertEquals(0, store.count(B));
        assertEquals(2, store.total());
    }

    @Test
    void idsKeepGrowingAfterEveryHintIsDeleted() {
        Hints store = open(100);
        store.append(hint(B, "k1", "one"));
        long first = store.hintsFor(B, ALL).get(0).id();
        store.delete(B, List.of(first));

        store.append(hint(B, "k2", "two"));

        assertTrue(store.hintsFor(B, ALL).get(0).id() > first, "a delivered hint's id is never reused");
    }

    @Test
    void concurrentAppendsAllLandWithDistinctIds() throws InterruptedException {
        Hints store = open(ALL);
        int threads = 4;
        int perThread = 25;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        assertTrue(store.append(hint(B, "t" + thread + "-" + i, "v")));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        assertEquals(List.of(), List.copyOf(failures));
        List<Long> ids = idsOf(store.hintsFor(B, ALL));
        assertEquals(threads * perThread, ids.size());
        assertEquals(ids, List.copyOf(new TreeSet<>(ids)), "distinct and oldest first");
        assertEquals(threads * perThread, store.total());
    }
}
