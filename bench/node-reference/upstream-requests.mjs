// Upstream requests per job, counted at the mock: one simulated Kling job followed by an agent through kling-mcp (MCP
// client from the TS SDK -> kling-mcp over stdio -> mock-fal), the same through kling-mcp serving Streamable HTTP with
// fal webhooks (a public URL: fal calls back when the job ends), and the same job followed by fal's own JS client with
// its defaults (fal.subscribe, polling every 500 ms), side by side on the same mock at the same clock speed.
//
// usage: node upstream-requests.mjs <kling-mcp.jar> <mock-fal.jar> [speed]      (bench/run upstream-requests)
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createFalClient } from "@fal-ai/client";

const [serverJar, mockJar, speedArg] = process.argv.slice(2);
const speed = Number(speedArg ?? 10);
const key = "bench-key-id:bench-key-secret";
const port = 18000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
const endpoint = "fal-ai/kling-video/o3/pro/reference-to-video";
const input = { prompt: "a paper boat drifting down a rain gutter", duration: "5" };
const work = mkdtempSync(join(tmpdir(), "upstream-requests-"));

const mock = spawn("java", ["-jar", mockJar, "--port", String(port), "--speed", String(speed), "--quiet",
  "--api-key", key], { stdio: ["ignore", "ignore", "inherit"] });
const deadline = Date.now() + 120_000;
for (;;) {
  try {
    if ((await fetch(`${base}/_mock/clock`)).ok) break;
  } catch { /* not listening yet */ }
  if (Date.now() > deadline) throw new Error("mock-fal did not start in 120 s");
  await new Promise((r) => setTimeout(r, 250));
}

const serverEnv = (dir) => ({ ...process.env, FAL_KEY: key, KLING_MCP_FAL_BASE_URL: base,
  KLING_MCP_FAL_TIME_SCALE: String(speed), KLING_MCP_LEDGER_URL: `jdbc:sqlite:${join(work, dir, "jobs.db")}`,
  KLING_MCP_OUTPUT_DIR: join(work, dir, "out") });

// kling-mcp over Streamable HTTP with a public URL (here loopback, where the mock can call it): jobs are submitted with
// its /fal/webhook, and mock-fal delivers a signed webhook when the job ends, as fal does.
let httpServer;
async function startHttpServer() {
  const httpPort = port + 1000;
  mkdirSync(join(work, "http"), { recursive: true });
  httpServer = spawn("java", ["-jar", serverJar, "serve", "--http", "--port", String(httpPort),
    "--public-url", `http://127.0.0.1:${httpPort}/mcp`], { stdio: ["ignore", "ignore", "ignore"], env: serverEnv("http") });
  const url = `http://127.0.0.1:${httpPort}/mcp`;
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      await fetch(url, { method: "GET" });
      return url;
    } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error("kling-mcp serve --http did not start in 120 s");
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function viaKlingMcp(transport) {
  const client = new Client({ name: "bench-agent", version: "1" });
  await client.connect(transport);
  const call = async (name, args) => {
    const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 });
    if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content)}`);
    return r.structuredContent;
  };
  const started = await call("generate", { model: "o3/pro/reference-to-video", ...input });
  const jobId = started.job?.job_id ?? started.job_id;
  let calls = 1;
  // The agent waits the way the tool descriptions suggest: status with a long wait, until the job is finished.
  for (let finished = started.finished ?? false; !finished; calls++) {
    finished = (await call("status", { job_id: jobId, wait_seconds: 40 })).finished;
  }
  await call("result", { job_id: jobId });
  await client.close();
  return { requestId: started.job?.request_id ?? jobId, toolCalls: calls + 1, jobId };
}

async function viaFalClient() {
  const fal = createFalClient({
    credentials: key,
    requestMiddleware: async (request) => {
      const url = new URL(request.url);
      return ["queue.fal.run", "fal.run", "rest.fal.ai"].includes(url.host)
        ? { ...request, url: `${base}${url.pathname}${url.search}` } : request;
    },
  });
  const { requestId } = await fal.subscribe(endpoint, { input, logs: true });
  return { requestId };
}

try {
  mkdirSync(join(work, "stdio"), { recursive: true });
  const stdio = new StdioClientTransport({ command: "java", args: ["-jar", serverJar], env: serverEnv("stdio"),
    stderr: "ignore" });
  const http = new StreamableHTTPClientTransport(new URL(await startHttpServer()));
  const t0 = Date.now();
  const [mcp, hooked, js] = await Promise.all([viaKlingMcp(stdio), viaKlingMcp(http), viaFalClient()]);
  const seconds = (Date.now() - t0) / 1000;
  const report = await (await fetch(`${base}/_mock/requests`)).json();
  const count = (id) => {
    const mine = report.requests.filter((r) => r.request_id === id);
    const by = {};
    for (const r of mine) by[r.call] = (by[r.call] ?? 0) + 1;
    return { total: mine.length, by };
  };
  const jobs = await (await fetch(`${base}/_mock/jobs`)).json().catch(() => null);
  const a = count(mcp.requestId);
  const w = count(hooked.requestId);
  const b = count(js.requestId);
  const webhooks = await (await fetch(`${base}/_mock/webhooks`)).json().catch(() => null);
  console.log(JSON.stringify({ speed, wallSeconds: seconds, klingMcp: { ...a, toolCalls: mcp.toolCalls },
    klingMcpWebhooks: { ...w, toolCalls: hooked.toolCalls, webhooksDelivered: Array.isArray(webhooks)
      ? webhooks.filter((d) => d.request_id === hooked.requestId).length : null }, falClient: b,
    jobs: jobs?.jobs?.map((j) => ({ id: j.request_id, status: j.status })) }));
} finally {
  mock.kill();
  httpServer?.kill();
  rmSync(work, { recursive: true, force: true });
}
