package dev.klingmcp.server;

import dev.klingmcp.server.cli.KlingMcpCommand;
import dev.klingmcp.server.cli.StdioFastStart;
import java.io.PrintStream;
import picocli.CommandLine;

/**
 * {@code java -jar kling-mcp.jar [serve|demo] ...}. stdout is the MCP protocol channel in {@code serve}: before anything
 * else runs, logging is pinned to stderr and {@link System#out} itself is pointed at stderr, so a stray print from any
 * library cannot corrupt the JSON-RPC stream; the real stdout is handed to the transport only.
 */
public final class KlingMcp {

    private KlingMcp() {}

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        // The MCP SDK narrates every connection at INFO (transport start, the whole initialize payload, the child's
        // exit
        // code as "completed successfully with code 143" when a client kills it); our own lines say what matters.
        if (System.getProperty("org.slf4j.simpleLogger.log.io.modelcontextprotocol") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.modelcontextprotocol", "warn");
        }
        // Flyway narrates every start in seven lines (environment, database, validation, "up to date"); the ledger says
        // in one line when it upgraded the schema.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.flywaydb") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
        }
        // java.net.http reads a socket 16 KiB at a time by default and hands each buffer through several stages; a
        // 1 GiB video download spent more in those hand-offs than in the bytes (256 KiB: ~1.5x faster on loopback).
        // Read once, when the HTTP client is first used, so it is set before anything else runs.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
        }
        PrintStream stdout = System.out;
        System.setOut(System.err);
        if (StdioFastStart.applies(args)) {
            // The way MCP clients start us: answered before any command-line model or server is built.
            Integer code = StdioFastStart.serve(stdout);
            if (code != null) {
                stdout.flush();
                System.exit(code);
            }
        }
        CommandLine cli = new CommandLine(new KlingMcpCommand(stdout));
        cli.setOut(new java.io.PrintWriter(
                new java.io.OutputStreamWriter(stdout, java.nio.charset.StandardCharsets.UTF_8), true));
        int code = cli.execute(args);
        stdout.flush();
        // SDK and HTTP client threads are not all daemons; the process ends when the command says so.
        System.exit(code);
    }

    /** The build's version (from the jar's Maven metadata), or "dev" when run from classes. */
    public static String version() {
        try (var in =
                KlingMcp.class.getResourceAsStream("/META-INF/maven/dev.klingmcp/kling-mcp-server/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "dev";
    }
}
