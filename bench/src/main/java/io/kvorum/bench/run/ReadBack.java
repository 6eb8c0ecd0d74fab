package io.kvorum.bench.run;

import io.kvorum.bench.check.CheckReport;
import io.kvorum.bench.check.ConsistencyChecker;
import io.kvorum.bench.client.BenchClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The correctness check's last step: reads every key the run wrote (with {@code threads} reads in
 * flight) and hands the values' tags to the checker. A key whose read fails (503, timeout) is reported
 * as unreadable, not as lost.
 */
public final class ReadBack {

    private ReadBack() {
    }

    /** Reads back every written key of {@code state} with consistency {@code r} (null: node default). Blocking. */
    public static CheckReport check(TargetState state, String r) {
        ConsistencyChecker checker = state.checker();
        List<String> keys = checker.writtenKeys();
        Map<String, Collection<String>> tags = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < Math.min(state.settings().threads(), Math.max(1, keys.size())); i++) {
            Promise<Void> lane = Promise.promise();
            state.eventLoop(i).runOnContext(ignored -> readNext(state.client(), r, keys, next, tags, lane));
            lanes.add(lane.future());
        }
        Future.join(lanes).toCompletionStage().toCompletableFuture().join();
        return checker.report(tags);
    }

    private static void readNext(BenchClient client, String r, List<String> keys, AtomicInteger next,
                                 Map<String, Collection<String>> tags, Promise<Void> lane) {
        int index = next.getAndIncrement();
        if (index >= keys.size()) {
            lane.tryComplete();
            return;
        }
        String key = keys.get(index);
        client.get(key, r).onComplete(result -> {
            if (result.succeeded() && (result.result().status() == 200 || result.result().status() == 404)) {
                tags.put(key, OperationExecutor.tags(result.result()));
            }
            readNext(client, r, keys, next, tags, lane);
        });
    }
}
