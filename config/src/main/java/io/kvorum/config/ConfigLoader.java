package io.kvorum.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link KvorumConfig} from, in increasing precedence: each key's built-in default, the
 * config file ({@code --config <path>}, else env {@code KVORUM_CONFIG}), environment variables
 * ({@code KVORUM_QUORUM_N}) and flags ({@code --quorum.n=3}). Every problem is one
 * {@link ConfigException} naming the key, the allowed values and which source supplied the bad value.
 *
 * <p>Inputs are passed in explicitly, so tests never touch the real environment; only
 * {@link #fromProcess(String[])} reads it.
 */
public final class ConfigLoader {
    /** The environment variable naming the config file when no {@code --config} flag is given. */
    public static final String CONFIG_ENV = "KVORUM_CONFIG";
    /** The flag naming the config file: {@code --config <path>} or {@code --config=<path>}. */
    public static final String CONFIG_FLAG = CommandLine.CONFIG_FLAG;

    private ConfigLoader() {}

    /** The process entry point: loads from {@code args} and the real environment. */
    public static KvorumConfig fromProcess(String[] args) {
        // permit: System.getenv. The one place that reads the process environment for settings;
        // everything below works on the map it passes in.
        return load(List.of(args), System.getenv());
    }

    /** Loads from the given command-line arguments and environment; reads the config file if one is named. */
    public static KvorumConfig load(List<String> args, Map<String, String> env) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(env, "env");
        CommandLine commandLine = CommandLine.parse(args);
        List<Map<String, Setting>> layersLowestFirst = List.of(
                fileSettings(commandLine, env),
                envSettings(env),
                commandLine.settings());
        Resolved resolved = Resolved.resolve(layersLowestFirst);
        try {
            return build(resolved);
        } catch (ConfigException e) {
            throw resolved.attributed(e);
        }
    }

    /** Whether {@code args} ask for help ({@code --help} or {@code -h}); the caller prints {@link #usage()}. */
    public static boolean helpRequested(List<String> args) {
        return args.stream().anyMatch(CommandLine.HELP_FLAGS::contains);
    }

    /** The text for {@code --help}: how settings are given, and every key with its default. */
    public static String usage() {
        return ConfigReference.usage();
    }

    private static Map<String, Setting> fileSettings(CommandLine commandLine, Map<String, String> env) {
        if (commandLine.configPath().isPresent()) {
            return ConfigFile.read(Path.of(commandLine.configPath().get()), "flag " + CONFIG_FLAG);
        }
        String fromEnv = env.get(CONFIG_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return ConfigFile.read(Path.of(fromEnv.strip()), "env " + CONFIG_ENV);
        }
        return Map.of();
    }

    /**
     * The settings among {@code env}. Only variables named after a known key count: the environment is
     * shared with other tools (scripts, containers, wrappers), so any other {@code KVORUM_*} variable is
     * ignored rather than rejected. A variable set to an empty string counts as unset, as
     * {@code KVORUM_X=} is a common way to clear one in shells and compose files.
     */
    private static Map<String, Setting> envSettings(Map<String, String> env) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.all()) {
            String value = env.get(key.envVar());
            if (value != null && !value.isBlank()) {
                settings.put(key.name(), Setting.text(value, "env " + key.envVar()));
            }
        }
        return settings;
    }

    private static KvorumConfig build(Resolved settings) {
        return new KvorumConfig(
                new NodeConfig(
                        settings.get(ConfigKeys.NODE_ID),
                        settings.get(ConfigKeys.NODE_DATA_DIR),
                        settings.get(ConfigKeys.NODE_SHUTDOWN_TIMEOUT),
                        settings.get(ConfigKeys.NODE_OPERATIONS_MAX)),
                new HttpConfig(
                        settings.get(ConfigKeys.HTTP_HOST),
                        settings.get(ConfigKeys.HTTP_PORT),
                        settings.get(ConfigKeys.HTTP_VALUE_BYTES_MAX),
                        new HttpConfig.Limits(
                                settings.get(ConfigKeys.HTTP_HEADER_TIMEOUT),
                                settings.get(ConfigKeys.HTTP_BODY_TIMEOUT),
                                settings.get(ConfigKeys.HTTP_CONNECTIONS_MAX),
                                settings.get(ConfigKeys.HTTP_REQUESTS_IN_FLIGHT_MAX)),
                        new HttpConfig.Security(
                                settings.get(ConfigKeys.HTTP_TLS_CERT_FILE),
                                settings.get(ConfigKeys.HTTP_TLS_KEY_FILE),
                                settings.get(ConfigKeys.HTTP_TLS_CA_FILE),
                                settings.get(ConfigKeys.HTTP_AUTH_TOKENS_FILE))),
                new InternodeConfig(
                        settings.get(ConfigKeys.INTERNODE_HOST),
                        settings.get(ConfigKeys.INTERNODE_PORT),
                        settings.get(ConfigKeys.INTERNODE_CONNECT_TIMEOUT),
                        settings.get(ConfigKeys.INTERNODE_FRAME_BYTES_MAX),
                        settings.get(ConfigKeys.INTERNODE_IDLE_TIMEOUT),
                        settings.get(ConfigKeys.INTERNODE_HANDSHAKE_TIMEOUT),
                        settings.get(ConfigKeys.INTERNODE_SEND_QUEUE_BYTES_MAX),
                        settings.get(ConfigKeys.INTERNODE_SECRET_FILE).map(ClusterSecret::read),
                        tls(settings)),
                new ClusterConfig(settings.get(ConfigKeys.CLUSTER_MEMBERS), settings.get(ConfigKeys.CLUSTER_NAME)),
                new GossipConfig(
                        settings.get(ConfigKeys.CLUSTER_SEEDS),
                        settings.get(ConfigKeys.GOSSIP_INTERVAL),
                        settings.get(ConfigKeys.GOSSIP_FANOUT)),
                new FailureDetectorConfig(
                        settings.get(ConfigKeys.FD_THRESHOLD),
                        settings.get(ConfigKeys.FD_ACCEPTABLE_HEARTBEAT_PAUSE),
                        settings.get(ConfigKeys.FD_MIN_STD_DEVIATION),
                        settings.get(ConfigKeys.FD_MAX_SAMPLE_SIZE),
                        settings.get(ConfigKeys.FD_FIRST_HEARTBEAT_ESTIMATE),
                        settings.get(ConfigKeys.FD_MAX_INTERVAL),
                        settings.get(ConfigKeys.FD_MAX_LOCAL_PAUSE)),
                new RingConfig(settings.get(ConfigKeys.RING_VNODES_PER_NODE)),
                new QuorumConfig(
                        settings.get(ConfigKeys.QUORUM_N),
                        settings.get(ConfigKeys.QUORUM_R),
                        settings.get(ConfigKeys.QUORUM_W),
                        settings.get(ConfigKeys.QUORUM_REQUEST_TIMEOUT),
                        settings.get(ConfigKeys.QUORUM_SLOPPY),
                        settings.get(ConfigKeys.QUORUM_DIGEST_READS),
                        settings.get(ConfigKeys.QUORUM_READ_FANOUT)),
                new HandoffConfig(
                        settings.get(ConfigKeys.HANDOFF_ENABLED),
                        settings.get(ConfigKeys.HANDOFF_MAX_HINTS_PER_OWNER),
                        settings.get(ConfigKeys.HANDOFF_RATE),
                        settings.get(ConfigKeys.HANDOFF_BATCH_SIZE),
                        settings.get(ConfigKeys.HANDOFF_RETRY_MIN),
                        settings.get(ConfigKeys.HANDOFF_RETRY_MAX)),
                new AntiEntropyConfig(
                        settings.get(ConfigKeys.ANTI_ENTROPY_ENABLED),
                        settings.get(ConfigKeys.ANTI_ENTROPY_INTERVAL),
                        settings.get(ConfigKeys.ANTI_ENTROPY_MAX_BYTES_PER_EXCHANGE),
                        settings.get(ConfigKeys.ANTI_ENTROPY_TIMEOUT)),
                new StorageConfig(
                        settings.get(ConfigKeys.STORAGE_ENGINE),
                        settings.get(ConfigKeys.STORAGE_SYNC),
                        settings.get(ConfigKeys.STORAGE_SYNC_INTERVAL),
                        settings.get(ConfigKeys.STORAGE_SYNC_WINDOW),
                        settings.get(ConfigKeys.STORAGE_SEGMENT_SIZE),
                        settings.get(ConfigKeys.STORAGE_CACHE_SIZE),
                        settings.get(ConfigKeys.STORAGE_COMPRESSION_THRESHOLD),
                        settings.get(ConfigKeys.STORAGE_COMPACTION_RATE),
                        settings.get(ConfigKeys.STORAGE_COMPACTION_TRIGGER),
                        settings.get(ConfigKeys.STORAGE_TOMBSTONE_GRACE),
                        settings.get(ConfigKeys.STORAGE_SIBLINGS_MAX),
                        settings.get(ConfigKeys.STORAGE_KEY_BYTES_MAX)),
                new LoggingConfig(
                        settings.get(ConfigKeys.LOGGING_FORMAT),
                        settings.get(ConfigKeys.LOGGING_REQUESTS)),
                new TransferConfig(
                        settings.get(ConfigKeys.TRANSFER_RATE),
                        settings.get(ConfigKeys.TRANSFER_CONCURRENCY),
                        settings.get(ConfigKeys.CLUSTER_REPLACE)));
    }

    /** All three {@code internode.tls.*} files or none; each must be a readable file. */
    private static Optional<InternodeTls> tls(Resolved settings) {
        List<ConfigKey<Optional<Path>>> keys = List.of(ConfigKeys.INTERNODE_TLS_CERT_FILE, ConfigKeys.INTERNODE_TLS_KEY_FILE,
                ConfigKeys.INTERNODE_TLS_CA_FILE);
        List<Optional<Path>> files = keys.stream().map(settings::get).toList();
        if (files.stream().allMatch(Optional::isEmpty)) {
            return Optional.empty();
        }
        for (int i = 0; i < keys.size(); i++) {
            Optional<Path> file = files.get(i);
            if (file.isPresent() && (!Files.isRegularFile(file.get()) || !Files.isReadable(file.get()))) {
                String name = keys.get(i).name();
                throw new ConfigException(List.of(name), name + ": " + ConfigException.quote(file.get().toString())
                        + " is not a readable file");
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            if (files.get(i).isEmpty()) {
                String name = keys.get(i).name();
                throw new ConfigException(List.of(name), name + ": must be set too: internode TLS needs"
                        + " internode.tls.cert-file, internode.tls.key-file and internode.tls.ca-file");
            }
        }
        return Optional.of(new InternodeTls(files.get(0).get(), files.get(1).get(), files.get(2).get()));
    }
}
