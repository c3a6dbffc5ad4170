// Shared set-up of the HTTP overhead benchmarks (http-overhead.mjs with Node's fetch as the client, http-overhead-wrk.mjs
// with wrk): starts mock-fal (manual clock) and `kling-mcp serve --http` on 127.0.0.1, opens a 2025-06-18 session,
// submits one job through MCP (`generate`) and moves the mock's clock so the job stays IN_PROGRESS with log lines. Every
// child process is killed by stop(); every request has a timeout.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const LEGACY = "2025-06-18";
export const MODERN = "2026-07-28";
export const KEY = "bench-key-id:bench-key-secret";
export const CALL_TIMEOUT_MS = 30_000;

/** The JSON-RPC answer in a JSON or SSE body (`r`: a fetch Response or a send() answer, both have headers.get). */
export function answer(r, text) {
  return r.headers.get("content-type")?.includes("text/event-stream")
    ? JSON.parse(text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).find((d) => d.includes('"id"')))
    : JSON.parse(text);
}

/**
 * The HTTP client of every lane, the same for all of them: `fetch` is Node's fetch (WHATWG, undici underneath: what the
 * TypeScript MCP SDK sends with), `undici` is undici's Pool.request, one keep-alive pool per origin, without the WHATWG
 * layer (~4x less client CPU per call here, and ~3x less extra for a POST over a GET). send() answers
 * { status, headers: { get(name) }, text }.
 */
export async function httpClient(kind = process.env.CLIENT ?? "fetch") {
  if (kind === "fetch") {
    return { kind, label: "node fetch", close: async () => {}, send: async (url, method, headers, body) => {
      const r = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      return { status: r.status, headers: r.headers, text: await r.text() };
    } };
  }
  if (kind !== "undici") throw new Error(`CLIENT must be fetch or undici, not ${kind}`);
  const { Pool } = await import("undici");
  const pools = new Map();
  const pool = (origin) => {
    if (!pools.has(origin)) {
      pools.set(origin, new Pool(origin, { connections: 128, headersTimeout: CALL_TIMEOUT_MS, bodyTimeout: CALL_TIMEOUT_MS }));
    }
    return pools.get(origin);
  };
  // A pooled connection closed by the server just as a request went out fails with UND_ERR_SOCKET (seen once in a
  // dozen runs): the request is sent again once, on another connection, and counted (a `socketRetries` line).
  const client = { kind, label: "undici Pool.request", socketRetries: 0,
    close: () => Promise.all([...pools.values()].map((p) => p.close())),
    send: async (url, method, headers, body) => {
      const u = new URL(url);
      const options = { path: u.pathname + u.search, method, headers, body };
      let r;
      try {
        r = await pool(u.origin).request(options);
      } catch (e) {
        if (e.code !== "UND_ERR_SOCKET") throw e;
        client.socketRetries++;
        r = await pool(u.origin).request(options);
      }
      const text = await r.body.text();
      return { status: r.statusCode, headers: { get: (name) => [r.headers[name]].flat()[0] }, text };
    } };
  return client;
}

// A stateless request carries its context in params._meta and the routing headers a conforming client sends.
export const MODERN_META = { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" } };

export function legacyHeaders(session) {
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
    "mcp-protocol-version": LEGACY };
  if (session) headers["mcp-session-id"] = session;
  return headers;
}

export function modernHeaders(method, name) {
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
    "mcp-protocol-version": MODERN, "mcp-method": method };
  if (name) headers["mcp-name"] = name;
  return headers;
}

// CPU time (user + system, ms) a process has used so far: what each request costs the server and the mock, which a
// shared, loaded machine distorts far less than latency.
const ticksPerMs = 100 / 1000; // Linux USER_HZ
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
  } catch {
    return NaN;
  }
}

/** Exactly n calls by `concurrency` callers (a warm-up by count, or a measured batch). */
export async function runCalls(call, n, concurrency) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) await call();
  }));
}

async function waitFor(url, init) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const r = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
      await r.arrayBuffer();
      return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in 180 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The JVM flags kling-mcp runs with: the launcher's (`bin/kling-mcp` passes `-XX:+UseSerialGC`; its log flags only
 * route warnings to stderr) so P2 measures the README's default launch, unless SERVER_JAVA_OPTS is set: then exactly
 * those (SERVER_JAVA_OPTS="" runs plain `java -jar`, i.e. G1). Printed in every warmup line.
 */
export const LAUNCHER_JAVA_OPTS = ["-XX:+UseSerialGC"];
export function serverJavaOpts() {
  const env = process.env.SERVER_JAVA_OPTS;
  return env === undefined ? LAUNCHER_JAVA_OPTS : env.split(/\s+/).filter(Boolean);
}

/**
 * Starts both servers and one IN_PROGRESS job. Returns the URLs, the job, the session and its `legacy` caller, the
 * child processes ([mock-fal, kling-mcp], also pushed to `children` as they start, for a caller's watchdog) and stop().
 * `client` (httpClient(), default fetch) sends the MCP requests. serverJavaOpts() gives kling-mcp's JVM flags,
 * SERVER_STDERR=1 shows its stderr.
 */
export async function startBench(serverJar, mockJar, children = [], client = null) {
  client ??= await httpClient("fetch");
  const mockPort = 19000 + Math.floor(Math.random() * 500);
  const mcpPort = mockPort + 500;
  const mockBase = `http://127.0.0.1:${mockPort}`;
  const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
  const work = mkdtempSync(join(tmpdir(), "http-overhead-"));
  const stop = () => {
    for (const c of children) c.kill();
    rmSync(work, { recursive: true, force: true });
  };
  let session = null;
  let nextId = 1;
  async function legacy(method, params, notification = false) {
    const body = notification ? { jsonrpc: "2.0", method, params } : { jsonrpc: "2.0", id: nextId++, method, params };
    const r = await client.send(mcpUrl, "POST", legacyHeaders(session), JSON.stringify(body));
    session ??= r.headers.get("mcp-session-id");
    if (notification) return null;
    const json = answer(r, r.text);
    if (json.error || json.result?.isError) throw new Error(`${method}: ${JSON.stringify(json.error ?? json.result.content)}`);
    return json.result;
  }
  async function stateless(method, params, name) {
    const body = { jsonrpc: "2.0", id: nextId++, method, params: { ...params, _meta: MODERN_META } };
    const r = await client.send(mcpUrl, "POST", modernHeaders(method, name), JSON.stringify(body));
    const json = answer(r, r.text);
    if (json.error || json.result?.isError || json.result?.resultType !== "complete") {
      throw new Error(`${method} (${MODERN}): ${r.status} ${JSON.stringify(json.error ?? json.result)}`);
    }
    return json.result;
  }
  try {
    children.push(spawn("java", ["-jar", mockJar, "--port", String(mockPort), "--manual-clock", "--quiet",
      "--api-key", KEY], { stdio: ["ignore", "ignore", "ignore"] }));
    const serverOpts = serverJavaOpts();
    children.push(spawn("java", [...serverOpts, "-jar", serverJar, "serve", "--http", "--port", String(mcpPort)], {
      stdio: ["ignore", "ignore", process.env.SERVER_STDERR ? "inherit" : "ignore"],
      env: { ...process.env, FAL_KEY: KEY, KLING_MCP_FAL_BASE_URL: mockBase,
        KLING_MCP_LEDGER_URL: `jdbc:sqlite:${join(work, "jobs.db")}`, KLING_MCP_OUTPUT_DIR: join(work, "out") },
    }));
    await waitFor(`${mockBase}/_mock/clock`);
    await waitFor(mcpUrl, { method: "GET" });
    await legacy("initialize", { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: "bench", version: "1" } });
    await legacy("notifications/initialized", {}, true);
    const generated = await legacy("tools/call", { name: "generate",
      arguments: { model: "o3/pro/reference-to-video", prompt: "bench", duration: "5" } });
    const jobId = generated.structuredContent.job.job_id;
    // 15 s queue + 80 % of the run: IN_PROGRESS with log lines, and it stays there (manual clock).
    await fetch(`${mockBase}/_mock/clock/advance`, { method: "POST", body: '{"seconds": 270}' });
    const report = await (await fetch(`${mockBase}/_mock/requests`)).json();
    const requestId = report.requests.find((r) => r.call === "submit").request_id;
    const statusUrl = `${mockBase}/fal-ai/kling-video/requests/${requestId}/status?logs=1`;
    return { mcpUrl, statusUrl, jobId, session, legacy, stateless, children: children.slice(-2), stop };
  } catch (e) {
    stop();
    throw e;
  }
}
