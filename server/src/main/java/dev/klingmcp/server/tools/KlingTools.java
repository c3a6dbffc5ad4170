package dev.klingmcp.server.tools;

import dev.klingmcp.server.budget.InputRequiredException;
import dev.klingmcp.server.budget.RequestStateException;
import dev.klingmcp.server.tenancy.CallerScope;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The seven tools of issue 4, in the order an agent uses them, each guarded so no exception escapes as a JSON-RPC error. */
public final class KlingTools {

    private static final Logger log = LoggerFactory.getLogger(KlingTools.class);

    private KlingTools() {}

    public static List<KlingTool> create(ToolContext ctx) {
        return List.of(
                new DescribeModelsTool(ctx),
                new GenerateTool(ctx),
                new StatusTool(ctx),
                new ResultTool(ctx),
                new CancelTool(ctx),
                new ListJobsTool(ctx),
                new UploadTool(ctx));
    }

    public static List<SyncToolSpecification> specifications(ToolContext ctx) {
        return create(ctx).stream().map(t -> guarded(t, ctx.results())).toList();
    }

    static SyncToolSpecification guarded(KlingTool t, ToolResults results) {
        return SyncToolSpecification.builder()
                .tool(t.tool())
                .callHandler((exchange, request) -> {
                    try {
                        // The job service below sees the caller's principal (its own jobs only) through this scope.
                        return CallerScope.run(exchange, () -> t.call(exchange, request));
                    } catch (InputRequiredException | RequestStateException e) {
                        // Protocol answers (input_required, a refused requestState), not tool failures.
                        throw e;
                    } catch (RuntimeException e) {
                        log.error("Tool {} failed", t.tool().name(), e);
                        CallToolResult r = results.failure(
                                ToolResults.Code.internal_error,
                                "internal error in " + t.tool().name() + ": " + e,
                                null);
                        return r;
                    }
                })
                .build();
    }
}
