package io.kvorum.ring;

import io.kvorum.common.Key;

/** Maps a key to its token on the signed 64-bit ring; injected so tests can place keys by hand. */
public interface Partitioner {
    /** The token of {@code key}: a pure function of its bytes, equal in every process and every run. */
    long token(Key key);
}
