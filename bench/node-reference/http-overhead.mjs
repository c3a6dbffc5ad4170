// What kling-mcp adds to a status read: an MCP `status` tool call over Streamable HTTP against a direct GET of the same
// status from mock-fal, with the same HTTP client (Node's fetch), the same number of concurrent callers, in alternating
// phases so load drift weighs on every lane alike. Both protocol eras are loaded: the legacy session lane (initialize,
// Mcp-Session-Id; served by the MCP Java SDK) and the stateless 2026-07-28 lane (every request carries its _meta and
// routing headers; served by kling-mcp itself). Two transport-only rows say what the lanes cost without a tool:
// `ping` in the session (answered by the SDK alone) and `server/discover` on the stateless lane.
//
// Two load models. Closed loop (the first rows, "mode":"closed"): every caller sends its next request as soon as the
// last one is answered, with no think time; on a machine whose cores the client, kling-mcp and the mock share, latency
// is then callers / throughput, so that row measures throughput as much as added latency. Open loop (then, "mode":
// "open", one row per lane and rate): the same callers send at a fixed aggregate rate scheduled by the wall clock,
// request i at start + i / rate, and each latency is measured from the request's scheduled time, not from when it was
// sent, so a request held up behind slow ones counts its wait (no coordinated omission). Below saturation an open-loop
// row is the added latency of one request at that load.
//
// usage: node http-overhead.mjs <kling-mcp.jar> <mock-fal.jar> [callers=32] [seconds per phase=5] [rounds=3]
// env:   SERVER_JAVA_OPTS  extra JVM flags for kling-mcp (e.g. -XX:StartFlightRecording=filename=/tmp/p2.jfr)
//        LANES             comma-separated subset of direct,legacy,legacy-ping,stateless,stateless-discover
//        OPEN_RATES        aggregate request rates (req/s) of the open-loop rows, comma-separated; default 200,1000;
//                          "none" skips them. Open-loop rows load direct, legacy and stateless (those of LANES).
// prints one JSON line per lane (and per lane and rate): requests, p50/p99 in ms, requests/s, CPU time per call of
// mock-fal, kling-mcp and the client (µs), and for MCP lanes what they add to the direct GET.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
const LEGACY = "2025-06-18";
const MODERN = "2026-07-28";
const callTimeoutMs = 30_000;

const openRates = (process.env.OPEN_RATES ?? "200,1000") === "none"
  ? [] : (process.env.OPEN_RATES ?? "200,1000").split(",").map(Number).filter((r) => r > 0);

// The whole run is bounded: phases, two warm-ups and start-up (≤ 180 s), the open-loop phases (3 lanes per rate, a
// phase may overrun by the 30 s request timeout), plus a margin.
const phaseCount = 5;
const budgetMs = 240_000 + (rounds + 2) * phaseCount * phaseMs + rounds * openRates.length * 3 * (phaseMs + 30_000);
const watchdog = setTimeout(() => {
  console.error(`http-overhead: gave up after ${budgetMs / 1000} s`);
  for (const c of children) c.kill("SIGKILL");
  process.exit(3);
}, budgetMs);
watchdog.unref();

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

/** The JSON-RPC answer in a JSON or SSE body. */
function answer(r, text) {
  return r.headers.get("content-type")?.includes("text/event-stream")
    ? JSON.parse(text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).find((d) => d.includes('"id"')))
    : JSON.parse(text);
}

let session = null;
let nextId = 1;
async function legacy(method, params, notification = false) {
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
    "mcp-protocol-version": LEGACY };
  if (session) headers["mcp-session-id"] = session;
  const body = notification ? { jsonrpc: "2.0", method, params } : { jsonrpc: "2.0", id: nextId++, method, params };
  const r = await fetch(mcpUrl, { method: "POST", headers, body: JSON.stringify(body),
    signal: AbortSignal.timeout(callTimeoutMs) });
  session ??= r.headers.get("mcp-session-id");
  const text = await r.text();
  if (notification) return null;
  const json = answer(r, text);
  if (json.error || json.result?.isError) throw new Error(`${method}: ${JSON.stringify(json.error ?? json.result.content)}`);
  return json.result;
}

// A stateless request: its context in params._meta, the routing headers a conforming client sends.
const meta = { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" } };
async function stateless(method, params, name) {
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
    "mcp-protocol-version": MODERN, "mcp-method": method };
  if (name) headers["mcp-name"] = name;
  const body = { jsonrpc: "2.0", id: nextId++, method, params: { ...params, _meta: meta } };
  const r = await fetch(mcpUrl, { method: "POST", headers, body: JSON.stringify(body),
    signal: AbortSignal.timeout(callTimeoutMs) });
  const json = answer(r, await r.text());
  if (json.error || json.result?.isError || json.result?.resultType !== "complete") {
    throw new Error(`${method} (${MODERN}): ${r.status} ${JSON.stringify(json.error ?? json.result)}`);
  }
  return json.result;
}

// CPU time (user + system, ms) a process has used so far: what each request costs the server and the mock, which a
// shared, loaded machine distorts far less than latency.
const ticksPerMs = 100 / 1000; // Linux USER_HZ
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
  } catch {
    return NaN;
  }
}

async function phase(call, cpu) {
  const latencies = [];
  const before = children.map((c) => cpuMs(c.pid));
  const client = process.cpuUsage();
  const end = Date.now() + phaseMs;
  await Promise.all(Array.from({ length: callers }, async () => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      await call();
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }));
  if (cpu) {
    children.forEach((c, i) => { cpu[i] += cpuMs(c.pid) - before[i]; });
    const used = process.cpuUsage(client);
    cpu[2] += (used.user + used.system) / 1000;
  }
  return latencies;
}

// Open loop: request i is due at start + i / rate, whoever of the callers is free takes it; its latency runs from when
// it was due if no caller was free then, else from its send. `late` counts requests sent more than 1 ms after they were due (all callers busy, or the client's own
// event loop behind), which are the ones that would vanish from a closed-loop measurement.
async function openPhase(call, rate, cpu) {
  const latencies = [];
  let late = 0;
  const before = children.map((c) => cpuMs(c.pid));
  const client = process.cpuUsage();
  const start = performance.now() + 5;
  const count = Math.floor((rate * phaseMs) / 1000);
  let next = 0;
  await Promise.all(Array.from({ length: callers }, async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      if (sent - due > 1) late++;
      await call();
      // A request whose caller was busy at its time counts from its time (its wait is latency); one whose caller
      // slept until then counts from the send: Node's millisecond timers wake up to ~1 ms early or late, which is
      // the client's clock, not the server's latency.
      latencies.push(performance.now() - (wait > 0 ? sent : due));
    }
  }));
  if (cpu) {
    children.forEach((c, i) => { cpu[i] += cpuMs(c.pid) - before[i]; });
    const used = process.cpuUsage(client);
    cpu[2] += (used.user + used.system) / 1000;
  }
  return { latencies, late, seconds: (performance.now() - start) / 1000 };
}

const pct = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

try {
  children.push(spawn("java", ["-jar", mockJar, "--port", String(mockPort), "--manual-clock", "--quiet",
    "--api-key", key], { stdio: ["ignore", "ignore", "ignore"] }));
  const serverOpts = (process.env.SERVER_JAVA_OPTS ?? "").split(/\s+/).filter(Boolean);
  children.push(spawn("java", [...serverOpts, "-jar", serverJar, "serve", "--http", "--port", String(mcpPort)], {
    stdio: ["ignore", "ignore", process.env.SERVER_STDERR ? "inherit" : "ignore"],
    env: { ...process.env, FAL_KEY: key, KLING_MCP_FAL_BASE_URL: mockBase,
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
  const lanes = {
    direct: async () => {
      const r = await fetch(statusUrl, { headers: { authorization: `Key ${key}` }, signal: AbortSignal.timeout(callTimeoutMs) });
      await r.arrayBuffer();
      if (r.status !== 202) throw new Error(`direct status ${r.status}`);
    },
    legacy: () => legacy("tools/call", { name: "status", arguments: { job_id: jobId } }),
    stateless: () => stateless("tools/call", { name: "status", arguments: { job_id: jobId } }, "status"),
    "legacy-ping": () => legacy("ping", {}),
    "stateless-discover": () => stateless("server/discover", {}),
  };
  const labels = {
    direct: "direct GET from mock-fal",
    legacy: `MCP status, session lane ${LEGACY} (MCP Java SDK)`,
    stateless: `MCP status, stateless lane ${MODERN}`,
    "legacy-ping": `MCP ping, session lane ${LEGACY} (SDK transport alone, no upstream)`,
    "stateless-discover": `MCP server/discover, stateless lane ${MODERN} (transport alone, no upstream)`,
  };
  const chosen = (process.env.LANES ?? Object.keys(lanes).join(",")).split(",").filter((l) => lanes[l]);
  if (!chosen.includes("direct")) chosen.unshift("direct");
  for (const l of chosen) await phase(lanes[l]); // warm-up, not counted
  const all = Object.fromEntries(chosen.map((l) => [l, []]));
  const cpu = Object.fromEntries(chosen.map((l) => [l, [0, 0, 0]])); // [mock, kling-mcp, client] CPU ms
  for (let i = 0; i < rounds; i++) {
    // Rotate the order each round so no lane always follows the same neighbour.
    const order = chosen.map((_, j) => chosen[(i + j) % chosen.length]);
    for (const l of order) all[l].push(...(await phase(lanes[l], cpu[l])));
  }
  const seconds = (rounds * phaseMs) / 1000;
  const row = (v) => ({ n: v.length, p50: +pct(v, 50).toFixed(2), p99: +pct(v, 99).toFixed(2), rps: Math.round(v.length / seconds) });
  const d = row(all.direct);
  for (const l of chosen) {
    const r = row(all[l]);
    const perCall = (ms) => +((ms * 1000) / Math.max(1, r.n)).toFixed(0);
    const line = { lane: l, mode: "closed", what: labels[l], callers, seconds, ...r,
      mockCpuUsPerCall: perCall(cpu[l][0]), serverCpuUsPerCall: perCall(cpu[l][1]), clientCpuUsPerCall: perCall(cpu[l][2]) };
    if (l !== "direct") {
      Object.assign(line, { addedP50: +(r.p50 - d.p50).toFixed(2), addedP99: +(r.p99 - d.p99).toFixed(2),
        rpsVsDirect: +(r.rps / d.rps).toFixed(3) });
    }
    console.log(JSON.stringify(line));
  }
  const openLanes = chosen.filter((l) => ["direct", "legacy", "stateless"].includes(l));
  const open = Object.fromEntries(openRates.map((rate) => [rate, Object.fromEntries(openLanes.map((l) =>
    [l, { latencies: [], late: 0, seconds: 0, cpu: [0, 0, 0] }]))]));
  for (let i = 0; i < rounds; i++) {
    for (const rate of openRates) {
      const order = openLanes.map((_, j) => openLanes[(i + j) % openLanes.length]);
      for (const l of order) {
        const o = open[rate][l];
        const run = await openPhase(lanes[l], rate, o.cpu);
        o.latencies.push(...run.latencies);
        o.late += run.late;
        o.seconds += run.seconds;
      }
    }
  }
  for (const rate of openRates) {
    const base = open[rate].direct;
    for (const l of openLanes) {
      const o = open[rate][l];
      const n = o.latencies.length;
      const perCall = (ms) => +((ms * 1000) / Math.max(1, n)).toFixed(0);
      const line = { lane: l, mode: "open", rate, what: labels[l], callers, seconds: +o.seconds.toFixed(1), n,
        p50: +pct(o.latencies, 50).toFixed(2), p99: +pct(o.latencies, 99).toFixed(2),
        rps: Math.round(n / Math.max(o.seconds, 1e-3)), late: o.late,
        mockCpuUsPerCall: perCall(o.cpu[0]), serverCpuUsPerCall: perCall(o.cpu[1]), clientCpuUsPerCall: perCall(o.cpu[2]) };
      if (l !== "direct" && base) {
        Object.assign(line, { addedP50: +(line.p50 - pct(base.latencies, 50)).toFixed(2),
          addedP99: +(line.p99 - pct(base.latencies, 99)).toFixed(2) });
      }
      console.log(JSON.stringify(line));
    }
  }
} finally {
  for (const c of children) c.kill();
  rmSync(work, { recursive: true, force: true });
}
