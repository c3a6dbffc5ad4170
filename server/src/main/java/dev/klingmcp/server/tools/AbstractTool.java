package dev.klingmcp.server.tools;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/** Base of the tools: holds the context and the declaration. Designed for extension by the tools of this package only. */
abstract class AbstractTool implements KlingTool {

    protected final ToolContext ctx;

    private final Tool tool;

    AbstractTool(ToolContext ctx, Tool tool) {
        this.ctx = ctx;
        this.tool = tool;
    }

    @Override
    public final Tool tool() {
        return tool;
    }

    /** The invalid-input result when the arguments had problems, else null. */
    protected final CallToolResult refusal(Args args) {
        return args.problems().isEmpty() ? null : ctx.results().invalid(args.problems(), null);
    }

}
