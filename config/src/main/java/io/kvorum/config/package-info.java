/**
 * Typed, validated node configuration: the immutable records ({@link io.kvorum.config.KvorumConfig}
 * and its sections), every setting's declaration with its default ({@link io.kvorum.config.ConfigKeys}),
 * and {@link io.kvorum.config.ConfigLoader}, which layers built-in defaults, a YAML/JSON file,
 * environment variables and command-line flags, in that order of increasing precedence.
 *
 * <p>This is the only code that reads files, environment variables or system properties for
 * settings, and it does so only through the explicit inputs of
 * {@link io.kvorum.config.ConfigLoader#load(java.util.List, java.util.Map)}; the single process
 * entry point is {@link io.kvorum.config.ConfigLoader#fromProcess(String[])}. Nothing here reads a
 * clock, starts a thread or opens a socket. Every bad setting fails at startup with one
 * {@link io.kvorum.config.ConfigException} whose one-line message names the key, the allowed range
 * and the source (default, file, env or flag) of the bad value.
 */
package io.kvorum.config;
