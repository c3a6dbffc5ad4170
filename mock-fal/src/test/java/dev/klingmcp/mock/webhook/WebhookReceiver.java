package dev.klingmcp.mock.webhook;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test receiver: answers scripted status codes (then 200), records each POST's headers and raw body. */
final class WebhookReceiver {

    record Received(MultiMap headers, byte[] body) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Integer> script = new ArrayDeque<>();

    synchronized void answer(Integer... statuses) {
        script.addAll(List.of(statuses));
    }

    private synchronized int nextStatus() {
        return script.isEmpty() ? 200 : script.poll();
    }

    void mount(Router router) {
        router.post("/hook").handler(BodyHandler.create()).handler(ctx -> {
            received.add(new Received(
                    MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers()),
                    ctx.body().buffer().getBytes()));
            ctx.response().setStatusCode(nextStatus()).end();
        });
        // Never answers: exercises the per-attempt timeout.
        router.post("/silent")
                .handler(ctx -> received.add(new Received(ctx.request().headers(), new byte[0])));
    }
}
