package io.kvorum.bench.run;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One event-loop context per event loop. (From a plain thread, Vert.x 5 puts every new context on the
 * same event loop; the instances of one deployment get one event loop each.)
 */
public final class EventLoops {

    private EventLoops() {
    }

    /** {@code count} contexts on distinct event loops of {@code vertx} (as many as it has). Blocking. */
    public static List<Context> contexts(Vertx vertx, int count) {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        Future<String> deployed = vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                contexts.add(context);
                return Future.succeededFuture();
            }
        }, new DeploymentOptions().setInstances(count));
        deployed.toCompletionStage().toCompletableFuture().join();
        return List.copyOf(contexts);
    }
}
