package dev.klingmcp.server.tools;

import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;

/**
 * A tool's behaviour hints for clients, built by name instead of four positional booleans: start from
 * {@link #local()} or {@link #remote()} and add what holds, e.g. {@code ToolHints.remote().readOnly().idempotent()}.
 */
record ToolHints(boolean readOnlyHint, boolean destructiveHint, boolean idempotentHint, boolean openWorldHint) {

    /** Touches only this machine (ledger, registry). */
    static ToolHints local() {
        return new ToolHints(false, false, false, false);
    }

    /** Talks to fal. */
    static ToolHints remote() {
        return new ToolHints(false, false, false, true);
    }

    ToolHints readOnly() {
        return new ToolHints(true, destructiveHint, idempotentHint, openWorldHint);
    }

    ToolHints destructive() {
        return new ToolHints(readOnlyHint, true, idempotentHint, openWorldHint);
    }

    ToolHints idempotent() {
        return new ToolHints(readOnlyHint, destructiveHint, true, openWorldHint);
    }

    ToolAnnotations annotations(String title) {
        return ToolAnnotations.builder()
                .title(title)
                .readOnlyHint(readOnlyHint)
                .destructiveHint(destructiveHint)
                .idempotentHint(idempotentHint)
                .openWorldHint(openWorldHint)
                .build();
    }
}
