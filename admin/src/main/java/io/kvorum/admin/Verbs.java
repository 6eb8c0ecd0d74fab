package io.kvorum.admin;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.SequencedMap;

/**
 * The verbs, each one request or two to the node named by {@code --node}. Cluster-wide figures come
 * from {@code GET /cluster/status}, which that node assembles from every member, so the tool needs to
 * reach only one node. Every health view (status, members, hints, aae) exits 1 when a member is not
 * up or did not report its figures.
 */
final class Verbs {
    /** The node answered, but not with success; {@code exitCode} is what the tool exits with. */
    static final class Failure extends Exception {
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private final NodeClient client;
    private final Options options;
    private final PrintStream out;

    Verbs(NodeClient client, Options options, PrintStream out) {
        this.client = client;
        this.options = options;
        this.out = out;
    }

    int run() throws Options.UsageException, NodeClient.UnreachableException, Failure {
        return switch (options.verb()) {
            case "status" -> status();
            case "members" -> members();
            case "ring" -> ring();
            case "hints" -> hints();
            case "aae" -> antiEntropy();
            case "transfers" -> transfers();
            case "get" -> new KeyVerbs(client, options, out).get(options.expect(1, "get <key> [--r R]").get(0));
            case "put" -> {
                List<String> args = options.expect(2, "put <key> <json-value> [--context C] [--w W]");
                yield new KeyVerbs(client, options, out).put(args.get(0), args.get(1));
            }
            case "delete" -> new KeyVerbs(client, options, out).delete(
                    options.expect(1, "delete <key> [--context C] [--w W]").get(0));
            default -> throw new Options.UsageException("unknown verb '" + options.verb()
                    + "'; verbs: status, members, ring, hints, aae, transfers, get, put, delete");
        };
    }

    private int status() throws Options.UsageException, NodeClient.UnreachableException, Failure {
        options.expect(0, "status");
        Json cluster = clusterStatus();
        List<String> problems = problems(cluster);
        if (options.json()) {
            return printJson(cluster, problems);
        }
        Table table = new Table("ID", "STATUS", "PHI", "SHARE", "KEYS", "HINTS", "AAE-AGE", "HTTP", "INTERNODE");
        for (Json member : cluster.get("members").items()) {
            Json report = member.get("report");
            table.row(member.get("id").text("?"), member.get("status").text("?"), phi(member.get("phi")),
                    percent(member.get("share")), report.isNull() ? "?" : report.get("keys").text("?"),
                    report.isNull() ? "?" : report.get("hints").get("pending").text("?"),
                    report.isNull() ? "?" : ageOrDash(report.get("anti_entropy").get("oldest_sync_age_ms")),
                    member.get("http").text("-"), member.get("internode").text("-"));
        }
        out.print(table.render());
        return summary(cluster, problems);
    }

    private int members() throws Options.UsageException, NodeClient.UnreachableException, Failure {
        options.expect(0, "members");
        Json members = require(client.get("/cluster/members"), "/cluster/members");
        List<String> problems = new ArrayList<>();
        for (Json member : members.get("members").items()) {
            if (!"up".equals(member.get("status").text(""))) {
                problems.add(member.get("id").text("?") + " is " + member.get("status").text("?"));
            }
        }
        if (options.json()) {
            return printJson(members, problems);
        }
        Table table = new Table("ID", "STATUS", "PHI", "HTTP", "INTERNODE");
        for (Json member : members.get("members").items()) {
            table.row(member.get("id").text("?"), member.get("status").text("?"), phi(member.get("phi")),
                    member.get("http").text("-"), member.get("internode").text("-"));
        }
        out.print(table.render());
        out.println("as seen by " + members.get("self").text("?") + " (" + client.node() + ")");
        return report(problems);
    }

    private int ring() throws Options.UsageException, NodeClient.UnreachableException, Failure {
        options.expect(0, "ring");
        Json ring = require(client.get("/cluster/ring"), "/cluster/ring");
        if (options.json()) {
            out.println(ring.writePretty());
            return AdminMain.OK;
        }
        out.println("N=" + ring.get("n").text("?") + ", " + ring.get("vnodes_per_node").text("?") + " vnodes per node");
        Table table = new Table("ID", "SHARE");
        for (Json owner : ring.get("owners").items()) {
            table.row(owner.get("id").text("?"), percent(owner.get("share")));
        }
        out.print(table.render());
        return AdminMain.OK;
    }

    private int hints() throws Options.UsageException, NodeClient.UnreachableException, Failure {
        options.expect(0, "hints");
        Json cluster = clusterStatus();
        List<String> problems = problems(cluster);
        if (options.json()) {
            return printJson(cluster, problems);
        }
        Table table = new Table("HOLDER", "TARGET", "PENDING");
        for (Json member : cluster.get("members").items()) {
            for (Json queue : member.get("report").get("hints").get("targets").items()) {
                table.row(member.get("id").text("?"), queue.get("target").text("?"), queue.get("pending").text("?"));
            }
        }
        out.print(table.isEmpty() ? "No hints pending.\n" : table.render());
        return summary(cluster, problems);
    }

    private int antiEntropy() throws Options.UsageException, NodeClient.UnreachableException, Failure {
        options.expect(0, "aae");
        Json cluster = clusterStatus();
        List<String> problems = problems(cluster);
        if (options.json()) {
            return printJson(cluster, problems);
        }
        Table table = new Table("NODE", "PEER", "RANGE", "LAST IN SYNC");
        for (Json member : cluster.get("members").items()) {
            Json antiEntropy = member.get("report").get("anti_entropy");
            String id = member.get("id").text("?");
            if (antiEntropy.isNull()) {
                continue; // not reporting: listed in the summary
            }
            if (!"true".equals(antiEntropy.get("enabled").text(""))) {
                table.row(id, "-", "-", "anti-entropy disabled");
            } else if (antiEntropy.get("ranges").items().isEmpty()) {
                table.row(id, "-", "-", "no exchange yet");
            }
            for (Json range : antiEntropy.get("ranges").items()) {
                String age = age(range.get("age_ms").number(0));
                table.row(id, range.get("peer").text("?"), range(range.get("range")),
                        "true".equals(range.get("synced_since_start").text("")) ? age + " ago" : "not since start (" + age + ")");
            }
        }
        out.print(table.render());
        return summary(cluster, problems);
    }

    private int transfers() throws Options.UsageException, NodeClient.UnreachableException, Failure {
        options.expect(0, "transfers");
        Json transfers = require(client.get("/cluster/transfers"), "/cluster/transfers");
        if (options.json()) {
            out.println(transfers.writePretty());
            return AdminMain.OK;
        }
        List<Json> list = transfers.get("transfers").items();
        if (list.isEmpty()) {
            out.println("No transfers active.");
            return AdminMain.OK;
        }
        Table table = new Table("RANGE", "FROM", "TO", "REASON", "STATE", "KEYS", "BYTES", "BYTES/S", "ETA");
        for (Json t : list) {
            table.row(range(t.get("range")), t.get("from").text("?"), t.get("to").text("?"), t.get("reason").text("-"),
                    t.get("state").text("-"), t.get("keys").text("-"), t.get("bytes").text("-"), t.get("bytes_per_s").text("-"),
                    t.get("eta_s").isNull() ? "-" : t.get("eta_s").text("-") + "s");
        }
        out.print(table.render());
        return AdminMain.OK;
    }

    // ---- shared ------------------------------------------------------------------------------

    private Json clusterStatus() throws NodeClient.UnreachableException, Failure {
        return require(client.get("/cluster/status"), "/cluster/status");
    }

    /** Why the cluster is unhealthy: members not up, members that did not report; empty when healthy. */
    static List<String> problems(Json cluster) {
        List<String> problems = new ArrayList<>();
        for (Json member : cluster.get("members").items()) {
            String id = member.get("id").text("?");
            String status = member.get("status").text("?");
            if (!status.equals("up")) {
                problems.add(id + " is " + status);
            } else if (member.get("report").isNull()) {
                problems.add(member.get("report_error").text(id + " did not report its figures"));
            }
        }
        return problems;
    }

    private int summary(Json cluster, List<String> problems) {
        int members = cluster.get("members").items().size();
        out.println(members + " members as seen by " + cluster.get("self").text("?") + " (" + client.node() + ")");
        return report(problems);
    }

    private int report(List<String> problems) {
        if (problems.isEmpty()) {
            return AdminMain.OK;
        }
        out.println("UNHEALTHY: " + String.join("; ", problems));
        return AdminMain.UNHEALTHY;
    }

    /** The node's answer with {@code healthy} and {@code problems} in front, pretty-printed. */
    private int printJson(Json body, List<String> problems) {
        SequencedMap<String, Json> fields = new LinkedHashMap<>();
        fields.put("healthy", new Json.Bool(problems.isEmpty()));
        fields.put("problems", new Json.Arr(problems.stream().map(p -> (Json) Json.string(p)).toList()));
        if (body instanceof Json.Obj obj) {
            fields.putAll(obj.fields());
        }
        out.println(Json.object(fields).writePretty());
        return problems.isEmpty() ? AdminMain.OK : AdminMain.UNHEALTHY;
    }

    /** The body of a 200; otherwise a failure with the node's own error message. */
    static Json require(NodeClient.Answer answer, String what) throws Failure {
        if (answer.status() == 200) {
            return answer.body();
        }
        String message = answer.body().get("message").text("HTTP " + answer.status());
        String code = answer.body().get("error").text("");
        if (code.equals("no_such_route")) {
            throw new Failure(AdminMain.UNHEALTHY, "the node does not serve " + what + " (an older Kvorum version?): " + message);
        }
        int exit = answer.status() >= 400 && answer.status() < 500 ? AdminMain.USAGE : AdminMain.UNHEALTHY;
        throw new Failure(exit, what + ": " + answer.status() + " " + code + ": " + message);
    }

    static String phi(Json phi) {
        return phi.isNull() ? "-" : String.format(Locale.ROOT, "%.2f", phi.number(0));
    }

    static String percent(Json share) {
        return share.isNull() ? "-" : String.format(Locale.ROOT, "%.1f%%", share.number(0) * 100);
    }

    static String ageOrDash(Json millis) {
        return millis.isNull() ? "-" : age(millis.number(0));
    }

    /** 850ms, 12.3s, 4m05s, 2h03m. */
    static String age(double millis) {
        long ms = (long) millis;
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long seconds = ms / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    /** {@code (start, end]}, or "whole ring" when start equals end. */
    static String range(Json range) {
        List<Json> bounds = range.items();
        if (bounds.size() != 2) {
            return "?";
        }
        String start = bounds.get(0).text("?");
        String end = bounds.get(1).text("?");
        return start.equals(end) ? "whole ring" : "(" + start + ", " + end + "]";
    }

    /** A query parameter's value, form-encoded. */
    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
