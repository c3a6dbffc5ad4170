package dev.klingmcp.contract.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@link AbstractLangChainJsTests} over stdio: the adapter spawns {@code java -jar kling-mcp.jar serve} with the
 * command, arguments, environment and working directory an application's {@code mcpServers} entry gives it.
 */
class LangChainJsStdioTests extends AbstractLangChainJsTests {

    @Override
    ObjectNode connection() {
        ServerCommand command = ServerCommand.of("serve");
        ObjectNode connection = ToolCall.JSON
                .createObjectNode()
                .put("transport", "stdio")
                .put("command", command.java())
                .put("cwd", setup.workDir().toString())
                .put("stderr", "inherit");
        command.args().forEach(connection.putArray("args")::add);
        ObjectNode env = connection.putObject("env");
        stdioEnvironment().forEach(env::put);
        return connection;
    }
}
