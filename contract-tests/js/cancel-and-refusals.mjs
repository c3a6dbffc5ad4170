// The TypeScript MCP SDK v2 client (@modelcontextprotocol/client, pinned), in its default 'legacy' mode (initialize,
// 2025-11-25) or pinned to 2026-07-28 (config.mode "modern"), doing three things agents do besides plain tool calls:
//   1. calls a tool that does not exist (a guessed name) and keeps the error;
//   2. starts a job, then cancels a long status wait with an AbortSignal: the SDK sends notifications/cancelled;
//      then calls status again on the same connection (it must still work); whatever the client reports through
//      onerror is kept (the server must not answer the cancelled request);
//   3. asks for the prompt kling_reference_scene without its required argument and with a model it does not take.
//   node cancel-and-refusals.mjs <config.json>
//   config: { connection: { transport: "stdio", command, args, env, cwd } | { transport: "http", url },
//             mode: "legacy" | "modern",
//             generate: <generate arguments>, waitSeconds: <n>, abortAfterMs: <n> }
// Prints ONE JSON line; on stdio it carries the server's stderr (the Java test reads the server's own log there).
import { readFileSync } from "node:fs";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = {};
let serverStderr = "";

function transport() {
  const c = config.connection;
  if (c.transport === "http") return new StreamableHTTPClientTransport(new URL(c.url));
  const t = new StdioClientTransport({ command: c.command, args: c.args, env: c.env, cwd: c.cwd, stderr: "pipe" });
  t.stderr?.on("data", (chunk) => (serverStderr += chunk.toString()));
  return t;
}

const errorOf = (e) => ({ name: e?.name, code: e?.code, message: String(e?.message ?? e), data: e?.data ?? null });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const t = transport();
const client = new Client(
  { name: "kling-contract-cancel", version: "2.4.0" },
  config.mode === "modern"
    ? { capabilities: {}, versionNegotiation: { mode: { pin: "2026-07-28" }, probe: { timeoutMs: 20000 } } }
    : { capabilities: {} },
);
// What the client reports besides call results: a late answer to a cancelled request shows up here
// ("Received a response for an unknown message ID").
out.clientErrors = [];
client.onerror = (e) => out.clientErrors.push(String(e?.message ?? e));
try {
  await client.connect(t);
  out.protocolVersion = client.getNegotiatedProtocolVersion?.() ?? null;
  await client.listTools();

  try {
    const r = await client.callTool({ name: "generate_video", arguments: { prompt: "x" } });
    out.unknownTool = { answered: r };
  } catch (e) {
    out.unknownTool = { error: errorOf(e) };
  }

  const generated = await client.callTool({ name: "generate", arguments: config.generate });
  const jobId = generated.structuredContent?.job_id;
  out.generate = { isError: generated.isError ?? false, jobId };
  if (!jobId) throw new Error("generate returned no job_id: " + JSON.stringify(generated));

  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort("the user moved on"), config.abortAfterMs);
  try {
    await client.callTool(
      { name: "status", arguments: { job_id: jobId, wait_seconds: config.waitSeconds } },
      { signal: controller.signal, timeout: 120000 },
    );
    out.cancel = { aborted: false, afterMs: Date.now() - started };
  } catch (e) {
    out.cancel = { aborted: controller.signal.aborted, afterMs: Date.now() - started, error: errorOf(e) };
  }
  // Give the server a moment to end the wait and log it, then prove the connection still serves calls.
  await sleep(2000);
  const again = await client.callTool({ name: "status", arguments: { job_id: jobId } });
  out.statusAfterCancel = { isError: again.isError ?? false, state: again.structuredContent?.job?.status ?? null };

  out.prompts = {};
  for (const [name, args] of Object.entries({
    missingScene: { model: "o3/pro/reference-to-video" },
    standardModel: { scene: "a cat on a roof", model: "o3/standard/image-to-video" },
    valid: { scene: "a cat on a roof", model: "o3/4k/reference-to-video" },
  })) {
    try {
      const p = await client.getPrompt({ name: "kling_reference_scene", arguments: args });
      out.prompts[name] = { ok: true, text: p.messages?.[0]?.content?.text ?? "" };
    } catch (e) {
      out.prompts[name] = { ok: false, error: errorOf(e) };
    }
  }
} catch (e) {
  out.fatal = errorOf(e);
} finally {
  await client.close().catch(() => {});
}
if (config.connection.transport !== "http") {
  await sleep(300);
  out.serverStderr = serverStderr;
}
console.log(JSON.stringify(out));
