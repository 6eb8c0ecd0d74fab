package io.kvorum.node.runtime;

import ch.qos.logback.classic.LoggerContext;
import io.kvorum.config.ConfigException;
import io.kvorum.config.ConfigLoader;
import io.kvorum.config.KvorumConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server process and the one composition root: loads configuration, points logging at the
 * node's data directory, starts the node, and stops it cleanly on SIGTERM. A node that cannot
 * start prints one line saying why and exits non-zero.
 */
public final class Main {
    private static final int EXIT_CANNOT_START = 1;
    private static final int EXIT_BAD_CONFIG = 2;

    private Main() {}

    public static void main(String[] args) {
        if (ConfigLoader.helpRequested(List.of(args))) {
            System.out.println(ConfigLoader.usage());
            return;
        }
        KvorumConfig config;
        try {
            config = ConfigLoader.fromProcess(args);
        } catch (ConfigException e) {
            System.err.println("kvorum: bad configuration: " + e.getMessage());
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        try {
            Files.createDirectories(config.node().dataDir());
        } catch (IOException e) {
            // Before logging starts: the log file lives in this very directory.
            System.err.println("kvorum: " + config.node().id() + " cannot start: data directory "
                    + config.node().dataDir().toAbsolutePath() + " (node.data-dir) is unusable: " + e.getMessage());
            System.exit(EXIT_CANNOT_START);
            return;
        }
        if (System.getProperty("kvorum.log.dir") == null) {
            System.setProperty("kvorum.log.dir", config.node().dataDir().toAbsolutePath().toString());
        }
        System.setProperty("kvorum.node.id", config.node().id().value());
        LogSetup.chooseFormat(config.logging().format());
        Logger log = LoggerFactory.getLogger("kvorum.startup");
        FatalErrors.halting().installAsDefault();
        NodeServer server;
        try {
            server = NodeServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            exitCannotStart(config, e.getCause() == null ? e.getMessage() : e.getCause().getMessage(), log);
            return;
        } catch (InterruptedException | TimeoutException e) {
            exitCannotStart(config, "start-up did not finish: " + e, log);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, config), "kvorum-shutdown"));
        // A node that has left the cluster has nothing more to serve: its process ends with status 0.
        server.whenLeft().onSuccess(v -> new Thread(() -> System.exit(0), "kvorum-left").start());
    }

    private static void stop(NodeServer server, KvorumConfig config) {
        try {
            long waitSeconds = config.node().shutdownTimeout().toSeconds() + 10;
            server.stop().toCompletionStage().toCompletableFuture().get(waitSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            LoggerFactory.getLogger(Main.class).warn("unclean shutdown: {}", e.toString());
        } finally {
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
                logback.stop(); // flush the log file: the shutdown hook is the last code to run
            }
        }
    }

    private static void exitCannotStart(KvorumConfig config, String reason, Logger log) {
        log.error("cannot start: {}", reason);
        System.err.println("kvorum: " + config.node().id() + " cannot start: " + reason);
        System.exit(EXIT_CANNOT_START);
    }
}
