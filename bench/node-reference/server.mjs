// Reference MCP server for the cold-start benchmark: Node 22 + the TypeScript MCP SDK over stdio, serving the tool list
// read from the JSON file named by argv[2] (the benchmark captures kling-mcp's own tools/list into it, so both servers
// answer with the same tools and schemas). Tool calls are not implemented: only start-up is measured.
import { readFileSync } from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const tools = JSON.parse(readFileSync(process.argv[2], "utf8"));
const server = new Server({ name: "node-reference", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => ({
  isError: true,
  content: [{ type: "text", text: `${request.params.name}: the reference server does not run tools` }],
}));
await server.connect(new StdioServerTransport());
