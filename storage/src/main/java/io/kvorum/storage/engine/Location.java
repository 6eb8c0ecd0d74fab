package io.kvorum.storage.engine;

/** Where a key's newest record lives: a segment (by its in-memory handle), the offset and the record's length. */
record Location(int segment, int offset, int length) {}
