package dev.klingmcp.servermock;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.server.mockfal.EmbeddedMockFal;

/** mock-fal (Vert.x) as the server's embedded mock: found through {@code META-INF/services}, never named by the server. */
public final class VertxEmbeddedMockFal implements EmbeddedMockFal {

    @Override
    public Running start(Settings settings) {
        MockFalOptions options = new MockFalOptions()
                .setSpeed(settings.speed())
                .addApiKey(settings.apiKey())
                .setLogRequests(settings.logRequests());
        if (settings.storageDir() != null) {
            options.setStorageDir(settings.storageDir());
        }
        MockFal mock = MockFal.start(options);
        return new Running() {
            @Override
            public String baseUrl() {
                return mock.baseUrl();
            }

            @Override
            public void close() {
                mock.close();
            }
        };
    }
}
