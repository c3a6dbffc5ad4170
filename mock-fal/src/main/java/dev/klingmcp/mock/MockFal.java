package dev.klingmcp.mock;

import dev.klingmcp.mock.impl.MockFalServer;

/**
 * An offline fal.ai: queue, sync run, SSE, cancel, storage, CDN, webhooks and fault injection on one HTTP origin.
 *
 * <pre>{@code
 * try (MockFal fal = MockFal.start(new MockFalOptions().setSpeed(1000))) {
 *     String queueBase = fal.baseUrl();   // use in place of https://queue.fal.run, https://rest.fal.ai
 * }
 * }</pre>
 */
public interface MockFal extends AutoCloseable {

    /** Starts a mock and blocks until it listens. */
    static MockFal start(MockFalOptions options) {
        return MockFalServer.start(options);
    }

    /** The port actually bound (useful with port 0). */
    int port();

    /** {@code http://127.0.0.1:<port>}, no trailing slash: every URL the mock hands out starts with it. */
    String baseUrl();

    MockControl control();

    /** Stops listening and releases everything; blocks until done. */
    @Override
    void close();
}
