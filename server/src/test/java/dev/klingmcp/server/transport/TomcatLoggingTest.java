package dev.klingmcp.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.bridge.SLF4JBridgeHandler;

class TomcatLoggingTest {

    @Test
    void tomcatsStartChatterIsDroppedAndItsWarningsGoThroughSlf4j() {
        StreamableHttpServer.create(0).close();
        assertThat(SLF4JBridgeHandler.isInstalled()).isTrue();
        assertThat(Logger.getLogger("org.apache.catalina.core.StandardService").isLoggable(Level.INFO))
                .isFalse();
        assertThat(Logger.getLogger("org.apache.coyote.http11.Http11NioProtocol")
                        .isLoggable(Level.WARNING))
                .isTrue();
        assertThat(Logger.getLogger("").getHandlers()).hasOnlyElementsOfType(SLF4JBridgeHandler.class);
    }
}
