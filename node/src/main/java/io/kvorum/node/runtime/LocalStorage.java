package io.kvorum.node.runtime;

import io.kvorum.node.protocol.StorageOp;
import io.kvorum.common.Key;
import io.kvorum.storage.engine.StorageEngine;
import io.kvorum.storage.hint.Hints;
import java.util.function.ToLongFunction;

/** What {@link StorageOp}s run against: the node's engine, its hint store, and the partitioner's key-to-token function. */
public record LocalStorage(StorageEngine engine, Hints hints, ToLongFunction<Key> tokenizer) {}
