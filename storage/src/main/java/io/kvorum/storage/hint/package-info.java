/**
 * The durable hint store for hinted handoff (Dynamo §4.6): {@link io.kvorum.storage.hint.Hint}s
 * queued per intended owner on the log engine's machinery. No file, clock or thread code lives
 * here; the log it is built on is opened by the composition root.
 */
package io.kvorum.storage.hint;
