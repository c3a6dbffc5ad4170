// The TypeScript MCP SDK v2 client (@modelcontextprotocol/client, pinned) driving kling-mcp like an agent would.
// One argument: a JSON file written by the Java test:
//   { "transport": "stdio" | "http", "url": "...", "command": "java", "args": [...], "env": {...}, "cwd": "...",
//     "mode": "pin" | "auto", "scenario": "flow" | "confirm", "generate": { ...generate arguments... },
//     "elicitation": "accept" | "decline" }
// Prints one JSON line with what the client saw; the Java test asserts on it.
import { readFileSync } from "node:fs";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const log = (...a) => process.stderr.write(a.map(String).join(" ") + "\n");

function transport() {
  if (config.transport === "http") {
    return new StreamableHTTPClientTransport(new URL(config.url));
  }
  return new StdioClientTransport({
    command: config.command,
    args: config.args,
    env: config.env,
    cwd: config.cwd,
    stderr: "inherit",
  });
}

const client = new Client(
  { name: "kling-contract-ts", version: "2.4.0" },
  {
    capabilities: { elicitation: { form: {} } },
    versionNegotiation: {
      mode: config.mode === "auto" ? "auto" : { pin: "2026-07-28" },
      probe: { timeoutMs: 20000 },
    },
  },
);

const elicitations = [];
client.setRequestHandler("elicitation/create", async (request) => {
  elicitations.push(request.params);
  return config.elicitation === "accept"
    ? { action: "accept", content: { confirm: true } }
    : { action: "decline" };
});

const updates = [];
client.setNotificationHandler("notifications/resources/updated", (n) => updates.push(n.params.uri));

const structured = (r) => r.structuredContent ?? {};

async function flow(out) {
  out.discover = client.getDiscoverResult() ?? (await client.discover());
  const tools = await client.listTools();
  out.tools = tools.tools.map((t) => ({ name: t.name, inputSchema: t.inputSchema, outputSchema: t.outputSchema }));

  const generated = await client.callTool({ name: "generate", arguments: config.generate });
  out.generate = { isError: generated.isError ?? false, structured: structured(generated) };
  const jobId = structured(generated).job_id;
  if (!jobId) throw new Error("generate returned no job_id: " + JSON.stringify(generated));

  const subscription = await client.listen({ resourceSubscriptions: [`kling://jobs/${jobId}`] });
  out.listenHonored = subscription.honoredFilter;

  const progress = [];
  const statuses = [];
  for (let i = 0; i < 10; i++) {
    const status = await client.callTool(
      { name: "status", arguments: { job_id: jobId, wait_seconds: 20 } },
      { onprogress: (p) => progress.push(p.progress), timeout: 60000 },
    );
    statuses.push(structured(status).job?.status);
    if (structured(status).finished) break;
  }
  out.statuses = statuses;
  out.progress = progress;

  const result = await client.callTool({ name: "result", arguments: { job_id: jobId, download: true } });
  out.result = { isError: result.isError ?? false, structured: structured(result) };

  const read = await client.readResource({ uri: `kling://jobs/${jobId}` });
  out.resourceState = JSON.parse(read.contents[0].text).status;

  // Give the listen stream a moment to deliver the last updates, then close it from our side.
  await new Promise((r) => setTimeout(r, 500));
  await subscription.close();
  out.listenClosed = await subscription.closed;
  out.updates = updates;

  const second = await client.callTool({ name: "generate", arguments: config.generate });
  const secondId = structured(second).job_id;
  const cancelled = await client.callTool({ name: "cancel", arguments: { job_id: secondId } });
  out.cancel = { jobId: secondId, isError: cancelled.isError ?? false, structured: structured(cancelled) };
}

async function confirm(out) {
  const generated = await client.callTool({ name: "generate", arguments: config.generate });
  out.generate = { isError: generated.isError ?? false, structured: structured(generated) };
  out.elicitations = elicitations;
}

const out = { scenario: config.scenario, transport: config.transport, mode: config.mode };
try {
  await client.connect(transport());
  out.era = client.getProtocolEra();
  out.protocolVersion = client.getNegotiatedProtocolVersion();
  await (config.scenario === "confirm" ? confirm(out) : flow(out));
  out.ok = true;
} catch (error) {
  out.ok = false;
  out.error = String(error?.stack ?? error);
} finally {
  try {
    await client.close();
  } catch (error) {
    log("close failed:", error);
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
process.exit(0);
