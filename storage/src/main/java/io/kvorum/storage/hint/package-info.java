/**
 * Hint storage for hinted handoff (Dynamo §4.6): {@link io.kvorum.storage.hint.Hint}s queued per
 * intended owner behind the {@link io.kvorum.storage.hint.Hints} interface, durably on the log
 * engine's machinery ({@link io.kvorum.storage.hint.HintStore}) or in memory
 * ({@link io.kvorum.storage.hint.MemoryHintStore}). No file, clock or thread code lives here; the
 * log the durable store is built on is opened by the composition root.
 */
package io.kvorum.storage.hint;
