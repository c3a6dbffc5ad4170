package dev.klingmcp.contract.mcp;

import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import java.time.Duration;

/**
 * {@link AbstractLangChain4jTests} over Streamable HTTP: the server runs as {@code serve --http} and LangChain4j's
 * {@link StreamableHttpMcpTransport} connects to its URL.
 */
class LangChain4jHttpTests extends AbstractLangChain4jTests {

    @Override
    McpTransport transport() {
        return StreamableHttpMcpTransport.builder()
                .url(httpUrl())
                .timeout(Duration.ofSeconds(70))
                .build();
    }
}
