// What kling-mcp adds to a status read: an MCP `status` tool call over Streamable HTTP (kling-mcp reads the status from
// mock-fal on every call) against a direct GET of the same status from mock-fal, with the same HTTP client (Node's
// fetch), the same number of concurrent callers, alternating phases so load drift weighs on both alike.
//
// usage: node http-overhead.mjs <kling-mcp.jar> <mock-fal.jar> [callers=32] [seconds per phase=5] [rounds=3]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [serverJar, mockJar, callersArg, secondsArg, roundsArg] = process.argv.slice(2);
const callers = Number(callersArg ?? 32);
const phaseMs = Number(secondsArg ?? 5) * 1000;
const rounds = Number(roundsArg ?? 3);
const key = "bench-key-id:bench-key-secret";
const mockPort = 19000 + Math.floor(Math.random() * 500);
const mcpPort = mockPort + 500;
const mockBase = `http://127.0.0.1:${mockPort}`;
const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
const work = mkdtempSync(join(tmpdir(), "http-overhead-"));
const children = [];

async function waitFor(url, init) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const r = await fetch(url, init);
      await r.arrayBuffer();
      return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in 180 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let session = null;
let nextId = 1;
async function rpc(method, params, notification = false) {
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2025-06-18" };
  if (session) headers["mcp-session-id"] = session;
  const body = notification ? { jsonrpc: "2.0", method, params } : { jsonrpc: "2.0", id: nextId++, method, params };
  const r = await fetch(mcpUrl, { method: "POST", headers, body: JSON.stringify(body) });
  session ??= r.headers.get("mcp-session-id");
  const text = await r.text();
  if (notification) return null;
  const json = r.headers.get("content-type")?.includes("text/event-stream")
    ? JSON.parse(text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).find((d) => d.includes('"id"')))
    : JSON.parse(text);
  if (json.error || json.result?.isError) throw new Error(`${method}: ${JSON.stringify(json.error ?? json.result.content)}`);
  return json.result;
}

async function phase(call) {
  const latencies = [];
  const end = Date.now() + phaseMs;
  await Promise.all(Array.from({ length: callers }, async () => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      await call();
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }));
  return latencies;
}

const pct = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

try {
  children.push(spawn("java", ["-jar", mockJar, "--port", String(mockPort), "--manual-clock", "--quiet",
    "--api-key", key], { stdio: ["ignore", "ignore", "ignore"] }));
  children.push(spawn("java", ["-jar", serverJar, "serve", "--http", "--port", String(mcpPort)], {
    stdio: ["ignore", "ignore", "ignore"],
    env: { ...process.env, FAL_KEY: key, KLING_MCP_FAL_BASE_URL: mockBase,
      KLING_MCP_LEDGER_URL: `jdbc:sqlite:${join(work, "jobs.db")}`, KLING_MCP_OUTPUT_DIR: join(work, "out") },
  }));
  await waitFor(`${mockBase}/_mock/clock`);
  await waitFor(mcpUrl, { method: "GET" });
  await rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } });
  await rpc("notifications/initialized", {}, true);
  const generated = await rpc("tools/call", { name: "generate",
    arguments: { model: "o3/pro/reference-to-video", prompt: "bench", duration: "5" } });
  const jobId = generated.structuredContent.job.job_id;
  // 15 s queue + 80 % of the run: IN_PROGRESS with log lines, and it stays there (manual clock).
  await fetch(`${mockBase}/_mock/clock/advance`, { method: "POST", body: '{"seconds": 270}' });
  const report = await (await fetch(`${mockBase}/_mock/requests`)).json();
  const requestId = report.requests.find((r) => r.call === "submit").request_id;
  const statusUrl = `${mockBase}/fal-ai/kling-video/requests/${requestId}/status?logs=1`;
  const direct = async () => {
    const r = await fetch(statusUrl, { headers: { authorization: `Key ${key}` } });
    await r.arrayBuffer();
    if (r.status !== 202) throw new Error(`direct status ${r.status}`);
  };
  const viaMcp = () => rpc("tools/call", { name: "status", arguments: { job_id: jobId } });
  await phase(direct); // warm-up, not counted
  await phase(viaMcp);
  const all = { direct: [], mcp: [] };
  for (let i = 0; i < rounds; i++) {
    all.direct.push(...(await phase(direct)));
    all.mcp.push(...(await phase(viaMcp)));
  }
  const seconds = (rounds * phaseMs) / 1000;
  const row = (v) => ({ n: v.length, p50: +pct(v, 50).toFixed(2), p99: +pct(v, 99).toFixed(2), rps: Math.round(v.length / seconds) });
  const d = row(all.direct);
  const m = row(all.mcp);
  console.log(JSON.stringify({ callers, seconds, direct: d, mcpStatus: m,
    addedP50: +(m.p50 - d.p50).toFixed(2), addedP99: +(m.p99 - d.p99).toFixed(2) }));
} finally {
  for (const c of children) c.kill();
  rmSync(work, { recursive: true, force: true });
}
