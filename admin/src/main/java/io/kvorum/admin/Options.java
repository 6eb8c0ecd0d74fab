package io.kvorum.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line: global options ({@code --node}, {@code --json}, {@code --timeout-ms}, {@code --token},
 * {@code --tls-ca}), the verb,
 * its arguments and its own options ({@code --r}, {@code --w}, {@code --context}). Options may come
 * before or after the verb.
 */
record Options(String node, boolean json, Duration timeout, boolean help, String verb, List<String> arguments,
               Optional<String> r, Optional<String> w, Optional<String> context, Optional<String> token,
               Optional<String> tlsCa) {
    static final String NODE_DEFAULT = "127.0.0.1:8081";
    static final long TIMEOUT_MILLIS_DEFAULT = 5_000;

    Options {
        arguments = List.copyOf(arguments);
    }

    /** A command line that cannot be run; the message says what is wrong. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String... args) throws UsageException {
        String node = NODE_DEFAULT;
        boolean json = false;
        boolean help = false;
        long timeoutMillis = TIMEOUT_MILLIS_DEFAULT;
        Optional<String> r = Optional.empty();
        Optional<String> w = Optional.empty();
        Optional<String> context = Optional.empty();
        Optional<String> token = Optional.empty();
        Optional<String> tlsCa = Optional.empty();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--json" -> json = true;
                case "-h", "--help", "help" -> help = true;
                case "--node" -> node = checkNode(value(args, ++i, arg));
                case "--timeout-ms" -> timeoutMillis = checkTimeout(value(args, ++i, arg));
                case "--r" -> r = Optional.of(value(args, ++i, arg));
                case "--w" -> w = Optional.of(value(args, ++i, arg));
                case "--context" -> context = Optional.of(value(args, ++i, arg));
                case "--token" -> token = Optional.of(value(args, ++i, arg));
                case "--tls-ca" -> tlsCa = Optional.of(value(args, ++i, arg));
                case "--" -> {
                    for (i++; i < args.length; i++) {
                        positional.add(args[i]);
                    }
                }
                default -> {
                    if (arg.startsWith("--") && arg.length() > 2) {
                        throw new UsageException("unknown option " + arg);
                    }
                    positional.add(arg);
                }
            }
        }
        String verb = positional.isEmpty() ? "" : positional.get(0);
        List<String> arguments = positional.isEmpty() ? List.of() : positional.subList(1, positional.size());
        return new Options(node, json, Duration.ofMillis(timeoutMillis), help, verb, arguments, r, w, context, token, tlsCa);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static String checkNode(String node) throws UsageException {
        int colon = node.lastIndexOf(':');
        if (colon <= 0 || colon == node.length() - 1 || node.contains("/")) {
            throw new UsageException("--node must be host:port, e.g. " + NODE_DEFAULT + "; got '" + node + "'");
        }
        try {
            int port = Integer.parseInt(node.substring(colon + 1));
            if (port < 1 || port > 65_535) {
                throw new UsageException("--node port must be 1..65535; got '" + node + "'");
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--node port must be a number; got '" + node + "'");
        }
        return node;
    }

    private static long checkTimeout(String text) throws UsageException {
        try {
            long millis = Long.parseLong(text);
            if (millis >= 1 && millis <= 600_000) {
                return millis;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--timeout-ms must be a whole number of milliseconds from 1 to 600000; got '" + text + "'");
    }

    /** The verb's arguments, exactly {@code count} of them, or a usage error naming the verb's form. */
    List<String> expect(int count, String form) throws UsageException {
        if (arguments.size() != count) {
            throw new UsageException("usage: " + form);
        }
        return arguments;
    }
}
