package dev.klingmcp.contract.mcp;

import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.ResourceContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything one MCP session showed the client: tool results, progress, logging and resource-update notifications,
 * and the server process's stderr (also appended to a file, so a failing run leaves its logs behind). The secret scan
 * and the outputSchema check read it at the end.
 */
final class Recorder {

    private final List<ToolCall> calls = new CopyOnWriteArrayList<>();

    private final List<ProgressNotification> progress = new CopyOnWriteArrayList<>();

    private final List<LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();

    private final List<String> resourceUpdates = new CopyOnWriteArrayList<>();

    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private final List<String> other = new CopyOnWriteArrayList<>();

    private final Path stderrFile;

    Recorder(Path stderrFile) {
        this.stderrFile = stderrFile;
    }

    void call(ToolCall call) {
        calls.add(call);
    }

    void progress(ProgressNotification notification) {
        progress.add(notification);
    }

    void log(LoggingMessageNotification notification) {
        logs.add(notification);
    }

    void resourcesUpdated(List<ResourceContents> contents) {
        contents.forEach(c -> resourceUpdates.add(c.uri()));
        other.add(String.valueOf(contents));
    }

    /** Anything else the client saw that could carry a secret (resource reads, tool lists, prompt texts). */
    void seen(Object anything) {
        other.add(String.valueOf(anything));
    }

    void stderr(String line) {
        stderr.add(line);
        try {
            Files.writeString(
                    stderrFile,
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<ToolCall> calls() {
        return List.copyOf(calls);
    }

    List<ProgressNotification> progress(Object token) {
        return progress.stream()
                .filter(p -> Objects.equals(String.valueOf(p.progressToken()), String.valueOf(token)))
                .toList();
    }

    List<LoggingMessageNotification> logs() {
        return List.copyOf(logs);
    }

    List<String> resourceUpdates() {
        return List.copyOf(resourceUpdates);
    }

    List<String> stderr() {
        return List.copyOf(stderr);
    }

    Path stderrFile() {
        return stderrFile;
    }

    /** Every text the client received or the server printed on stderr, labelled with where it came from. */
    List<Seen> everything() {
        List<Seen> all = new ArrayList<>();
        calls.forEach(c -> all.add(new Seen("result of " + c.tool(), c.result().toString())));
        progress.forEach(p -> all.add(new Seen("progress notification", p.toString())));
        logs.forEach(l -> all.add(new Seen("logging notification", l.toString())));
        other.forEach(o -> all.add(new Seen("other MCP message", o)));
        stderr.forEach(s -> all.add(new Seen("server stderr", s)));
        return all;
    }

    /** One recorded text and where it came from. */
    record Seen(String where, String text) {}
}
