package dev.klingmcp.contract.mcp;

import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;

/** {@link AbstractLangChain4jTests} over stdio: LangChain4j's {@link StdioMcpTransport} spawns the server itself. */
class LangChain4jStdioTests extends AbstractLangChain4jTests {

    @Override
    McpTransport transport() {
        return StdioMcpTransport.builder()
                .command(isolatedStdioCommand())
                .logEvents(false)
                .build();
    }
}
