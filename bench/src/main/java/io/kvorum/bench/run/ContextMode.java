package io.kvorum.bench.run;

/**
 * What context an UPDATE sends. Kvorum keeps a write without a context as a sibling next to what the
 * key holds, so blind updates make every hot key's sibling list (and every read of it) grow.
 */
public enum ContextMode {
    /** Send the newest context this client saw for the key (from any read or write), as a Riak client with a vclock cache would. */
    CACHE,
    /** Send no context: every update is a blind write and adds a sibling. */
    NONE
}
