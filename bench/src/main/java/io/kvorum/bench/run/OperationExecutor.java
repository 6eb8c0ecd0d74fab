package io.kvorum.bench.run;

import io.kvorum.bench.check.ConsistencyChecker;
import io.kvorum.bench.client.Reply;
import io.kvorum.bench.stats.Outcome;
import io.kvorum.bench.workload.RecordFactory;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Carries out one operation over HTTP and tells its outcome: reads with the run's {@code r}, writes
 * with its {@code w}; a read-modify-write writes with the context its read returned. Feeds the
 * correctness checker when it is on. Stateless apart from the shared {@link PhaseContext}.
 */
final class OperationExecutor {

    private final PhaseContext context;

    OperationExecutor(PhaseContext context) {
        this.context = context;
    }

    /** GET {@code key}; remembers its context. */
    Future<Outcome> read(String key) {
        return readReply(key).map(reply -> Outcome.ofStatus(reply.status()))
                .otherwise(Outcome::ofFailure);
    }

    /** PUT a new record to {@code key} with the cached context (or none), tagged {@code tag}. */
    Future<Outcome> write(String key, String tag, RandomGenerator random, boolean useCache) {
        String known = useCache && context.settings().contextMode() == ContextMode.CACHE
                ? context.contexts().get(key) : null;
        return writeWith(key, tag, known, random);
    }

    /** GET {@code key}, then PUT a new record with the context the GET returned. */
    Future<Outcome> readModifyWrite(String key, String tag, RandomGenerator random) {
        return readReply(key).compose(reply -> {
            if (reply.status() != 200 && reply.status() != 404) {
                return Future.succeededFuture(Outcome.ofStatus(reply.status()));
            }
            return writeWith(key, tag, reply.context(), random);
        }).otherwise(Outcome::ofFailure);
    }

    private Future<Reply> readReply(String key) {
        long invokeNanos = context.clock().getAsLong();
        return context.client().get(key, context.settings().r()).onSuccess(reply -> {
            remember(key, reply);
            ConsistencyChecker checker = context.checker();
            if (checker != null && (reply.status() == 200 || reply.status() == 404)) {
                checker.readCompleted(key, invokeNanos, tags(reply));
            }
        });
    }

    private Future<Outcome> writeWith(String key, String tag, String knownContext, RandomGenerator random) {
        String value = context.records().json(tag, random);
        ConsistencyChecker checker = context.checker();
        if (checker != null) {
            checker.writeInvoked(key, tag, context.clock().getAsLong());
        }
        return context.client().put(key, value, knownContext, context.settings().w()).map(reply -> {
            Outcome outcome = Outcome.ofStatus(reply.status());
            if (outcome == Outcome.OK) {
                remember(key, reply);
            }
            if (checker != null) {
                settle(checker, key, tag, outcome);
            }
            return outcome;
        }).otherwise(failure -> {
            if (checker != null) {
                checker.writeFailed(key, tag);
            }
            return Outcome.ofFailure(failure);
        });
    }

    private void settle(ConsistencyChecker checker, String key, String tag, Outcome outcome) {
        if (outcome == Outcome.OK) {
            checker.writeAcknowledged(key, tag, context.clock().getAsLong());
        } else {
            checker.writeFailed(key, tag);
        }
    }

    private void remember(String key, Reply reply) {
        if (context.settings().contextMode() == ContextMode.CACHE && (reply.status() == 200 || reply.status() == 404)) {
            String seen = reply.context();
            if (seen != null) {
                context.contexts().put(key, seen);
            }
        }
    }

    /** The write tags of a read's values; empty for a 404. */
    static List<String> tags(Reply reply) {
        List<String> tags = new ArrayList<>();
        if (reply.status() == 200) {
            for (Object value : reply.parsedValues()) {
                tags.add(RecordFactory.tagOf(value));
            }
        }
        return tags;
    }
}
