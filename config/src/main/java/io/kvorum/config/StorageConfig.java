package io.kvorum.config;

/** Which storage engine keeps this node's data ({@code storage.*}). */
public record StorageConfig(Engine engine) {
    public StorageConfig {
        ConfigKeys.STORAGE_ENGINE.check(engine);
    }

    /** The storage engines a node can run; written in lower case in settings. */
    public enum Engine {
        /** Keeps everything in memory: fast, and lost on restart. For tests and trials. */
        MEMORY
    }
}
