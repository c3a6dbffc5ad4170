package dev.klingmcp.server.transport;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Tomcat logs through java.util.logging: two lines per record in JUL's own format, and INFO chatter ("Starting service
 * [Tomcat]", "Starting Servlet engine: [Apache Tomcat/…]") at every start. Routed into SLF4J it reads like our own
 * lines (one line, same timestamp format, stderr), and only its warnings and errors are kept.
 */
final class TomcatLogging {

    /** Held so the levels set here are not lost when JUL's weakly referenced loggers are collected. */
    private static final List<Logger> QUIETED = List.of(
            Logger.getLogger("org.apache.catalina"),
            Logger.getLogger("org.apache.coyote"),
            Logger.getLogger("org.apache.tomcat"));

    private TomcatLogging() {}

    static synchronized void routeToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        QUIETED.forEach(logger -> logger.setLevel(Level.WARNING));
    }
}
