package io.kvorum.client;

/** The change an {@code update} applies to the resolved current value (riak-java-client's {@code Mutation}). */
@FunctionalInterface
public interface Mutation<T> {
    /** The new value given the current one; {@code current} is null when the key holds no live value. */
    T apply(T current);
}
