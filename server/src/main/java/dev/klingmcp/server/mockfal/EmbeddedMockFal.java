package dev.klingmcp.server.mockfal;

import java.nio.file.Path;

/**
 * An in-process mock of fal for {@code serve --mock} and {@code demo}. The implementation lives in its own jar
 * ({@code kling-mcp-mock.jar}: mock-fal with Vert.x, Netty and JCodec) so the server jar that agents run carries no
 * test double; {@link EmbeddedMockFals#find()} discovers it at run time.
 */
public interface EmbeddedMockFal {

    /** Starts a mock and blocks until it listens on loopback. */
    Running start(Settings settings);

    /**
     * What the server needs to choose.
     *
     * @param speed how many times faster than fal's typical timing jobs run
     * @param apiKey the one key the mock accepts ({@code id:secret})
     * @param storageDir where uploads are kept; {@code null} for a temporary folder
     * @param logRequests whether the mock logs each request (to stderr)
     */
    record Settings(double speed, String apiKey, Path storageDir, boolean logRequests) {}

    /** A running mock. */
    interface Running extends AutoCloseable {

        /** {@code http://127.0.0.1:<port>}: the one base URL for fal's queue, storage and CDN. */
        String baseUrl();

        /** Stops listening; blocks until done. */
        @Override
        void close();
    }
}
