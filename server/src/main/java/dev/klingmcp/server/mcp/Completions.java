package dev.klingmcp.server.mcp;

import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.tenancy.CallerScope;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult.CompleteCompletion;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ResourceReference;
import java.util.List;
import java.util.Locale;

/** Argument completion: {@code job_id} of the job resource (from the ledger) and {@code model} of the prompt. */
public final class Completions {

    /** The MCP spec caps a completion list at 100 values. */
    static final int MAX = 100;

    private Completions() {}

    public static List<SyncCompletionSpecification> specifications(JobService jobs, FalEndpoints registry) {
        return List.of(
                new SyncCompletionSpecification(new ResourceReference(JobResources.TEMPLATE), (exchange, request) -> {
                    if (!"job_id".equals(request.argument().name())) {
                        return empty();
                    }
                    List<String> ids = CallerScope.run(
                            exchange,
                            () -> jobs.completeJobIds(prefix(request.argument().value()), MAX + 1));
                    return result(ids);
                }),
                new SyncCompletionSpecification(new PromptReference(ReferenceScenePrompt.NAME), (exchange, request) -> {
                    if (!"model".equals(request.argument().name())) {
                        return empty();
                    }
                    String prefix = prefix(request.argument().value()).toLowerCase(Locale.ROOT);
                    return result(registry.all().stream()
                            .filter(e -> e.references().supported())
                            .flatMap(e -> java.util.stream.Stream.of(e.shortName(), e.id()))
                            .filter(n -> n.startsWith(prefix))
                            .toList());
                }));
    }

    private static String prefix(String value) {
        return value == null ? "" : value.trim();
    }

    private static CompleteResult result(List<String> values) {
        List<String> shown = values.size() > MAX ? values.subList(0, MAX) : values;
        return new CompleteResult(new CompleteCompletion(shown, values.size(), values.size() > MAX));
    }

    private static CompleteResult empty() {
        return new CompleteResult(new CompleteCompletion(List.of(), 0, false));
    }
}
