package dev.klingmcp.server.mcp;

import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.List;

/**
 * Every handler the server offers, built once and served by both protocol lanes: the SDK (2025-11-25 and older, through
 * {@code initialize}) and the stateless lane of {@code dev.klingmcp.server.modern}. One implementation of each tool,
 * resource, prompt and completion.
 *
 * @param name         server name reported to clients
 * @param version      server version reported to clients
 * @param instructions guidance for the model
 * @param tools        the tools, in the order an agent uses them (also the {@code tools/list} order)
 * @param templates    resource templates
 * @param prompts      prompts
 * @param completions  argument completions
 * @param watcher      job change fan-out (resource update notifications on both lanes)
 */
public record ServerFeatures(
        String name,
        String version,
        String instructions,
        List<SyncToolSpecification> tools,
        List<SyncResourceTemplateSpecification> templates,
        List<SyncPromptSpecification> prompts,
        List<SyncCompletionSpecification> completions,
        JobWatcher watcher) {

    public ServerFeatures {
        tools = List.copyOf(tools);
        templates = List.copyOf(templates);
        prompts = List.copyOf(prompts);
        completions = List.copyOf(completions);
    }
}
