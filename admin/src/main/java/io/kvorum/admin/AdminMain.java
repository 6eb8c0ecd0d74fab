package io.kvorum.admin;

import java.util.Optional;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** {@code kvorum admin}: parses the command line, runs one verb against one node, exits with its code. */
public final class AdminMain {
    /** The verb succeeded and the cluster looks healthy. */
    public static final int OK = 0;
    /** A member is not up or did not report, the node could not be reached, or a quorum was not reached. */
    public static final int UNHEALTHY = 1;
    /** The command line (or a request built from it) is wrong. */
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            Usage: kvorum-admin [--node HOST:PORT] [--json] [--timeout-ms MS] [--token T] [--tls-ca FILE] <verb> [arguments]

            Talks to one node of any Kvorum cluster over HTTP (default node %s); that node gathers
            the figures of every member it knows.

            Verbs:
              status                 one line per member: id, status, phi, ring share, keys, hints pending,
                                     oldest anti-entropy sync age, HTTP and internode addresses
              members                the members as the node sees them (status, phi, addresses)
              ring                   each member's share of the ring, vnodes per node, N
              hints                  hints waiting for handoff, per holder and target
              aae                    anti-entropy: per node, peer and token range, when last found in sync
              transfers              range transfers in flight
              get <key> [--r R]      the key's siblings and its context, decoded
              put <key> <json> [--context C] [--w W]
                                     write a JSON value (quote strings: '"text"'); prints the new context
              delete <key> [--context C] [--w W]
                                     write a tombstone

            Options:
              --node HOST:PORT       the node to ask (default %s)
              --json                 print JSON for scripts instead of tables
              --timeout-ms MS        how long to wait for the node (default %d)
              --token TOKEN          bearer token for a cluster with http.auth.tokens-file (default: the
                                     environment variable KVORUM_TOKEN); status and reads need 'read',
                                     put and delete 'write'
              --tls-ca FILE          speak HTTPS (http.tls.*), trusting the PEM certificates in FILE

            Exit status: 0 ok; 1 the cluster is unhealthy (a member is not up or did not report its
            figures), the node cannot be reached, or a read or write did not reach its quorum; 2 usage
            (also a request the node rejects as bad input).
            """.formatted(Options.NODE_DEFAULT, Options.NODE_DEFAULT, Options.TIMEOUT_MILLIS_DEFAULT);

    private AdminMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageException e) {
            err.println("kvorum-admin: " + e.getMessage() + " ('kvorum-admin --help' lists verbs and options)");
            return USAGE;
        }
        if (options.help()) {
            out.print(USAGE_TEXT);
            return OK;
        }
        if (options.verb().isEmpty()) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        // A token from the environment keeps it out of the process list and shell history.
        Optional<String> token = options.token().or(() -> Optional.ofNullable(System.getenv("KVORUM_TOKEN")).filter(t -> !t.isBlank()));
        try (NodeClient client = new NodeClient(options.node(), options.timeout(), token, options.tlsCa())) {
            return new Verbs(client, options, out).run();
        } catch (Options.UsageException e) {
            err.println("kvorum-admin: " + e.getMessage());
            return USAGE;
        } catch (Verbs.Failure e) {
            err.println("kvorum-admin: " + e.getMessage());
            return e.exitCode;
        } catch (NodeClient.UnreachableException e) {
            err.println("kvorum-admin: " + e.getMessage());
            return UNHEALTHY;
        }
    }
}
