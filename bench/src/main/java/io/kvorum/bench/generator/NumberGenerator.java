package io.kvorum.bench.generator;

/** A source of key ordinals, as YCSB's {@code NumberGenerator}; not thread-safe unless stated. */
public interface NumberGenerator {

    /** The next ordinal. */
    long nextValue();

    /** The ordinal most recently returned by {@link #nextValue()}. */
    long lastValue();
}
