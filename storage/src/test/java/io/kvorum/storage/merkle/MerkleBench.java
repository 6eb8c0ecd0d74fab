package io.kvorum.storage.merkle;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Issue 5's question, measured (figures for humans, not assertions): what does keeping a range's
 * Merkle leaves current cost per write, against rebuilding them from a scan of N keys?
 *
 * <p>Run: {@code java -cp storage/target/classes:storage/target/test-classes:<deps> io.kvorum.storage.merkle.MerkleBench [keys] [valueBytes]}.
 * The scan is of the in-memory engine, so a rebuild's figure is CPU only: a log engine's scan also
 * reads every value from disk, which makes a rebuild strictly dearer than printed here.
 */
public final class MerkleBench {
    /** Rounds per figure; the median is printed, so the first (cold, JIT-compiling) rounds do not count. */
    private static final int ROUNDS = 9;

    private MerkleBench() {}

    public static void main(String[] args) {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        System.out.printf("MerkleBench: %,d keys, %d-byte values, depth %d, full ring, %s %s%n", keys, valueBytes,
                MerkleTree.DEFAULT_DEPTH, System.getProperty("java.vm.name"), System.getProperty("java.version"));
        SplittableRandom random = new SplittableRandom(42);
        DotIssuer issuer = new DotIssuer(new Actor(NodeId.of("bench"), 0));
        MemoryEngine engine = new MemoryEngine(MerkleBench::fnvToken);
        Key[] names = new Key[keys];
        for (int i = 0; i < keys; i++) {
            names[i] = Key.of("user" + i);
            Siblings state = write(issuer, random, Siblings.EMPTY, valueBytes);
            engine.update(names[i], current -> state);
        }
        MerkleIndex index = new MerkleIndex(MerkleBench::fnvToken, MerkleTree.DEFAULT_DEPTH);
        index.track(TokenRange.FULL_RING);
        rebuild(index, engine, keys); // also warms the hashing code for the incremental figure
        incremental(index, engine, names, issuer, random, valueBytes);
        rebuild(index, engine, keys);
        snapshots(index);
    }

    /** Times {@code onChange} for overwrites of existing keys (read-modify-write, as a replica does). */
    private static void incremental(MerkleIndex index, MemoryEngine engine, Key[] names, DotIssuer issuer,
            SplittableRandom random, int valueBytes) {
        int writes = 50_000;
        Key[] keys = new Key[writes];
        Siblings[] before = new Siblings[writes];
        Siblings[] after = new Siblings[writes];
        for (int i = 0; i < writes; i++) {
            keys[i] = names[random.nextInt(names.length)];
            before[i] = engine.get(keys[i]);
            after[i] = write(issuer, random, before[i], valueBytes);
        }
        long[] nanos = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                boolean forward = round % 2 == 0; // forward, then back: the leaves end as they began
                index.onChange(keys[i], forward ? before[i] : after[i], forward ? after[i] : before[i]);
            }
            nanos[round] = System.nanoTime() - start;
        }
        System.out.printf("incremental: onChange (hash old and new state) %.2f us per write (median of %d x %,d)%n",
                median(nanos) / 1e3 / writes, ROUNDS, writes);
    }

    private static void rebuild(MerkleIndex index, MemoryEngine engine, int keys) {
        long[] scanOnly = new long[ROUNDS];
        long[] rebuild = new long[ROUNDS];
        long[] sink = new long[1];
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            engine.scan(TokenRange.FULL_RING, (key, state) -> sink[0] += state.siblings().size());
            scanOnly[round] = System.nanoTime() - start;
            start = System.nanoTime();
            index.rebuild(TokenRange.FULL_RING, visitor -> engine.scan(TokenRange.FULL_RING, visitor));
            rebuild[round] = System.nanoTime() - start;
        }
        System.out.printf("rebuild: %,.1f ms for %,d keys = %.2f us per key (of which the in-memory scan %.1f ms)%n",
                median(rebuild) / 1e6, keys, median(rebuild) / 1e3 / keys, median(scanOnly) / 1e6);
    }

    private static void snapshots(MerkleIndex index) {
        long[] nanos = new long[ROUNDS * 4];
        for (int round = 0; round < nanos.length; round++) {
            long start = System.nanoTime();
            MerkleTree tree = index.snapshot(TokenRange.FULL_RING);
            nanos[round] = System.nanoTime() - start;
            if (tree.leafCount() != 1 << MerkleTree.DEFAULT_DEPTH) {
                throw new AssertionError(tree);
            }
        }
        System.out.printf("snapshot: %.3f ms per tree of %d leaves (inner hashes computed), %,d bytes on the wire%n",
                median(nanos) / 1e6, 1 << MerkleTree.DEFAULT_DEPTH,
                MerkleCodec.encode(index.snapshot(TokenRange.FULL_RING)).length);
    }

    private static Siblings write(DotIssuer issuer, SplittableRandom random, Siblings current, int valueBytes) {
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        return current.write(issuer, current.context(), Optional.of(Bytes.wrapOwned(value)),
                1_700_000_000_000L + random.nextInt(1_000_000), Siblings.DEFAULT_MAX_ACTORS).state();
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** FNV-1a over the key bytes, as the engine contract tests place keys. */
    private static long fnvToken(Key key) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < key.utf8().length(); i++) {
            hash = (hash ^ (key.utf8().at(i) & 0xFF)) * 0x100000001b3L;
        }
        return hash;
    }
}
