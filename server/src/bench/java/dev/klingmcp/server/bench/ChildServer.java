package dev.klingmcp.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code kling-mcp serve} as an MCP host runs it: a child JVM on stdio, driven by the MCP Java SDK's client, so its
 * memory can be read from {@code /proc} apart from the benchmark's own (and the mock's, which runs in the benchmark's
 * JVM). The child gets only the environment given here: the machine's fal and kling-mcp settings are removed.
 */
final class ChildServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAIN = "dev.klingmcp.server.KlingMcp";

    private final McpSyncClient client;
    private final ProcessHandle process;

    private ChildServer(McpSyncClient client, ProcessHandle process) {
        this.client = client;
        this.process = process;
    }

    /**
     * Starts the server with {@code jvmFlags} and {@code env} (plus a clean XDG home under {@code home}), from this
     * benchmark's class path, or from {@code SERVER_CLASSPATH} if set (e.g. an earlier build's jar, for a before/after
     * comparison on the same machine).
     */
    static ChildServer start(List<String> jvmFlags, Map<String, String> env, Path home) throws IOException {
        List<String> args = new ArrayList<>(jvmFlags);
        String classPath = System.getenv("SERVER_CLASSPATH");
        if (classPath == null || classPath.isBlank()) {
            classPath = System.getProperty("java.class.path");
        }
        args.addAll(List.of("-cp", classPath, MAIN, "serve"));
        Files.createDirectories(home);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HOME", home.toString());
        all.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        all.put("XDG_STATE_HOME", home.resolve("state").toString());
        all.put("XDG_DATA_HOME", home.resolve("data").toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServerParameters parameters =
                ServerParameters.builder(java).args(args).env(all).build();
        StdioClientTransport transport = new StdioClientTransport(parameters, McpJsonDefaults.getMapper()) {
            @Override
            protected ProcessBuilder getProcessBuilder() {
                ProcessBuilder b = new ProcessBuilder();
                b.environment()
                        .keySet()
                        .removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
                return b;
            }
        };
        transport.setStdErrorHandler(line -> {
            if (line.contains("WARN") || line.contains("ERROR") || line.contains("Exception")) {
                System.err.println("[server] " + line);
            }
        });
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(Implementation.builder("kling-bench", "1.0.0").build())
                .requestTimeout(Duration.ofMinutes(2))
                .initializationTimeout(Duration.ofMinutes(2))
                .build();
        client.initialize();
        ProcessHandle child = ProcessHandle.current()
                .children()
                .filter(ChildServer::runsServer)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the server process was not found"));
        return new ChildServer(client, child);
    }

    /** Whether {@code p}'s command line names the server's main class (read from /proc: the JDK may cut it short). */
    private static boolean runsServer(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.ISO_8859_1)
                    .contains(MAIN);
        } catch (IOException e) {
            return false;
        }
    }

    /** Calls a tool; its structured answer, or an exception carrying the tool error's text. */
    JsonNode call(String tool, Map<String, Object> args) {
        CallToolResult r =
                client.callTool(CallToolRequest.builder(tool).arguments(args).build());
        if (Boolean.TRUE.equals(r.isError())) {
            throw new IllegalStateException(tool + " failed: " + r.content());
        }
        return JSON.valueToTree(r.structuredContent());
    }

    McpSyncClient client() {
        return client;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** CPU time (user + system) the server process used so far, in seconds. */
    double cpuSeconds() {
        return cpuSeconds(Path.of("/proc", Long.toString(pid()), "stat"), false);
    }

    /**
     * CPU seconds from a {@code /proc/<pid>/stat} file: the process's own, or ({@code children}) that of the children
     * it has waited for ({@code /proc/self/stat}: the curl runs of a benchmark).
     */
    static double cpuSeconds(Path stat, boolean children) {
        int skip = children ? 2 : 0;
        try {
            String text = Files.readString(stat);
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14), in clock ticks (100 per s)
            return (Long.parseLong(f[11 + skip]) + Long.parseLong(f[12 + skip])) / 100.0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** A {@code /proc/<pid>/status} field in KiB, e.g. {@code VmRSS} or {@code VmHWM}; -1 once the process is gone. */
    long statusKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Heap in use after a full collection, in KiB, from {@code jcmd GC.run} then {@code GC.heap_info} (JDK tools beside
     * the running java); -1 when jcmd is not available.
     */
    long heapUsedAfterGcKiB() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        try {
            run(jcmd.toString(), Long.toString(pid()), "GC.run");
            String info = run(jcmd.toString(), Long.toString(pid()), "GC.heap_info");
            // G1: "garbage-first heap   total 262144K, used 31254K"; Serial: "def new generation ... used" per space.
            long used = 0;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                            "^\\s*(?:garbage-first heap|def new generation|tenured generation|PSYoungGen|ParOldGen)"
                                    + "\\s+total \\d+K, used (\\d+)K",
                            java.util.regex.Pattern.MULTILINE)
                    .matcher(info);
            while (m.find()) {
                used += Long.parseLong(m.group(1));
            }
            return used;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    @Override
    public void close() {
        try {
            client.closeGracefully();
        } finally {
            try {
                process.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }

    /** Samples a process's resident set every few milliseconds while running: the peak between start and stop. */
    static final class RssPeak implements AutoCloseable {
        private final ChildServer server;
        private final long before;
        private volatile long peak;
        private volatile boolean running = true;
        private final Thread thread;

        RssPeak(ChildServer server) {
            this.server = server;
            this.before = server.statusKiB("VmRSS");
            this.peak = before;
            this.thread = new Thread(
                    () -> {
                        while (running) {
                            long now = server.statusKiB("VmRSS");
                            if (now > peak) {
                                peak = now;
                            }
                            try {
                                Thread.sleep(5);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long beforeKiB() {
            return before;
        }

        /** Peak growth over the RSS at construction, in KiB. */
        long growthKiB() {
            return peak - before;
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long last = server.statusKiB("VmRSS");
            if (last > peak) {
                peak = last;
            }
        }
    }
}
