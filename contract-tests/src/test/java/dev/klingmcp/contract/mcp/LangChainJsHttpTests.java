package dev.klingmcp.contract.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@link AbstractLangChainJsTests} over Streamable HTTP: the adapter connects to {@code serve --http}'s URL. */
class LangChainJsHttpTests extends AbstractLangChainJsTests {

    @Override
    ObjectNode connection() {
        return ToolCall.JSON.createObjectNode().put("transport", "http").put("url", httpUrl());
    }
}
