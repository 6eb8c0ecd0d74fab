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
 * Issue 5's question, measured (figures for humans, not assertions): keep a range's Merkle leaves
 * current on every write, or build the tree from a scan when an exchange starts? Incremental upkeep
 * costs two entry hashes per write (the old state's, subtracted, and the new one's, added); a build
 * costs one entry hash per stored key plus the scan.
 *
 * <p>Run: {@code java -cp storage/target/classes:storage/target/test-classes:<deps> io.kvorum.storage.merkle.MerkleBench [keys] [valueBytes]}.
 * The scan is of the in-memory engine, so a build's figure is CPU only: a log engine's scan also
 * reads every value from disk (from the page cache when it is warm).
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
        build(engine, keys); // also warms the hashing code for the incremental figure
        incremental(engine, names, issuer, random, valueBytes);
        build(engine, keys);
    }

    /** Times the upkeep an incrementally maintained tree needs per overwrite: hash the old and the new state. */
    private static void incremental(MemoryEngine engine, Key[] names, DotIssuer issuer, SplittableRandom random, int valueBytes) {
        int writes = 50_000;
        Key[] keys = new Key[writes];
        Siblings[] before = new Siblings[writes];
        Siblings[] after = new Siblings[writes];
        for (int i = 0; i < writes; i++) {
            keys[i] = names[random.nextInt(names.length)];
            before[i] = engine.get(keys[i]);
            after[i] = write(issuer, random, before[i], valueBytes);
        }
        EntryHasher hasher = new EntryHasher();
        long[] nanos = new long[ROUNDS];
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                sink += hasher.entry(keys[i], before[i]).high() - hasher.entry(keys[i], after[i]).low();
            }
            nanos[round] = System.nanoTime() - start;
        }
        System.out.printf("incremental upkeep: %.2f us per write (median of %d x %,d; checksum %d)%n",
                median(nanos) / 1e3 / writes, ROUNDS, writes, sink & 1);
    }

    /** Times building the tree from a full scan, as an exchange does. */
    private static void build(MemoryEngine engine, int keys) {
        long[] scanOnly = new long[ROUNDS];
        long[] build = new long[ROUNDS];
        long[] sink = new long[1];
        MerkleTree tree = null;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            engine.scan(TokenRange.FULL_RING, (key, state) -> sink[0] += state.siblings().size());
            scanOnly[round] = System.nanoTime() - start;
            start = System.nanoTime();
            MerkleTree.Builder builder = MerkleTree.builder(TokenRange.FULL_RING, MerkleTree.DEFAULT_DEPTH);
            engine.scan(TokenRange.FULL_RING, builder.visitor(MerkleBench::fnvToken));
            tree = builder.build();
            build[round] = System.nanoTime() - start;
        }
        System.out.printf("build from a scan: %,.1f ms for %,d keys = %.2f us per key (of which the in-memory scan %.1f ms); "
                        + "%,d bytes on the wire%n", median(build) / 1e6, keys, median(build) / 1e3 / keys, median(scanOnly) / 1e6,
                MerkleCodec.encode(tree).length);
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
