// Cross-check of http-overhead.mjs with a C load tool: the same MCP `status` call (both eras) and the same direct GET of
// the status from mock-fal, but sent by wrk instead of Node's fetch. Node's client spends about twice the CPU on an MCP
// call (a POST, a larger body, an SSE or JSON answer to parse) that it spends on a direct GET, and at 2 shared cores
// that client cost shows up as "added latency"; wrk's cost per request is a few µs and the same for every lane, so the
// difference between its lanes is what the server side (kling-mcp and its upstream GET) adds. http-overhead.mjs stays
// the "same client" reading of the target; this is the server-side reading.
//
// Lanes: `direct` (GET with the fal key), `legacy` (tools/call status in a 2025-06-18 session: initialize first, then
// every request carries the Mcp-Session-Id) and `stateless` (2026-07-28: _meta in params, MCP-Protocol-Version,
// Mcp-Method, Mcp-Name headers). Every MCP request gets its own JSON-RPC id (one wrk thread, so ids never repeat).
// Each lane is warmed first by a fixed number of calls (WARMUP_CALLS, 20000, by 16 callers); then, for each
// connection count and round, the lanes run in rotated order, wrk with one thread, --latency.
//
// usage: node http-overhead-wrk.mjs <kling-mcp.jar> <mock-fal.jar> [connections=1,32] [seconds=5] [rounds=3]
// env:   SERVER_JAVA_OPTS, WARMUP_CALLS, LANES (e.g. "legacy": the MCP lanes to run beside the direct GET)
// prints one JSON line per lane and connection count ("client":"wrk"): requests, p50/p90/p99/p99.9/max in ms (median
// over the rounds; every round's p50/p99 too), requests/s, CPU per call of mock-fal and kling-mcp, and for the MCP
// lanes what they add to the direct GET.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CALL_TIMEOUT_MS, KEY, LEGACY, MODERN, MODERN_META, cpuMs, legacyHeaders, modernHeaders, runCalls, serverJavaOpts, startBench } from "./http-bench-setup.mjs";

const [serverJar, mockJar, connsArg, secondsArg, roundsArg] = process.argv.slice(2);
const connections = (connsArg ?? "1,32").split(",").map(Number).filter((c) => c > 0);
const seconds = Number(secondsArg ?? 5);
const rounds = Number(roundsArg ?? 3);
const warmupCalls = Number(process.env.WARMUP_CALLS ?? 20_000);
// LANES (default all): the MCP lanes to run; the direct GET always runs, since the MCP rows are read against it.
const lanes = ["direct", ...(process.env.LANES ?? "legacy,stateless").split(",").filter((l) => l === "legacy" || l === "stateless")];

const children = [];
const budgetMs = 240_000 + lanes.length * 120_000 + rounds * connections.length * lanes.length * (seconds + 15) * 1000;
const watchdog = setTimeout(() => {
  console.error(`http-overhead-wrk: gave up after ${budgetMs / 1000} s`);
  for (const c of children) c.kill("SIGKILL");
  process.exit(3);
}, budgetMs);
watchdog.unref();

const luaHeaders = (headers) => Object.entries(headers)
  .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join("\n");

// wrk's done() hook prints one JSON line: counts, errors and latency percentiles (µs).
const doneHook = `
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"duration_us":%d,"errors":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
`;

function luaScript(lane, session, jobId) {
  if (lane === "direct") {
    return `wrk.headers["authorization"] = "Key ${KEY}"
function request() return wrk.format("GET") end
${doneHook}`;
  }
  const params = { name: "status", arguments: { job_id: jobId } };
  const headers = lane === "legacy" ? legacyHeaders(session) : modernHeaders("tools/call", "status");
  const body = JSON.stringify({ jsonrpc: "2.0", id: 0, method: "tools/call",
    params: lane === "legacy" ? params : { ...params, _meta: MODERN_META } });
  const [before, after] = body.split('"id":0');
  return `wrk.method = "POST"
${luaHeaders(headers)}
local id = 0
function request()
  id = id + 1
  return wrk.format(nil, nil, nil, ${JSON.stringify(before)} .. '"id":' .. id .. ${JSON.stringify(after)})
end
${doneHook}`;
}

function wrk(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const p = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    children.push(p);
    let out = "";
    p.stdout.on("data", (d) => { out += d; });
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("close", (code) => {
      clearTimeout(timer);
      children.splice(children.indexOf(p), 1);
      const line = out.split("\n").find((l) => l.startsWith('{"requests"'));
      if (code !== 0 || !line) reject(new Error(`wrk ${args.join(" ")} exited ${code}: ${out}`));
      else resolve(JSON.parse(line));
    });
  });
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
const ms = (us) => +(us / 1000).toFixed(3);

const work = mkdtempSync(join(tmpdir(), "http-overhead-wrk-"));
const bench = await startBench(serverJar, mockJar, children);
try {
  const [mock, server] = bench.children;
  const url = { direct: bench.statusUrl, legacy: bench.mcpUrl, stateless: bench.mcpUrl };
  // Each call checks its answer (wrk itself does not read bodies): the warm-up proves the requests wrk repeats work.
  const call = {
    direct: async () => {
      const r = await fetch(bench.statusUrl, { headers: { authorization: `Key ${KEY}` },
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      const json = await r.json();
      if (r.status !== 202 || json.status !== "IN_PROGRESS") throw new Error(`direct status ${r.status} ${json.status}`);
    },
    legacy: () => bench.legacy("tools/call", { name: "status", arguments: { job_id: bench.jobId } }),
    stateless: () => bench.stateless("tools/call", { name: "status", arguments: { job_id: bench.jobId } }, "status"),
  };

  const script = {};
  for (const lane of lanes) {
    script[lane] = join(work, `${lane}.lua`);
    writeFileSync(script[lane], luaScript(lane, bench.session, bench.jobId));
    // The warm-up (the server's JIT, the mock's, the ledger's caches) is a fixed number of calls sent by Node's
    // fetch at 16 callers: wrk can stop after a count but then still waits out its whole duration.
    const t = performance.now();
    await runCalls(call[lane], warmupCalls, 16);
    const seconds = +((performance.now() - t) / 1000).toFixed(1);
    const warm = await wrk(["-t1", "-c16", "-d2s", "-s", script[lane], url[lane]], 20_000); // not in the rows
    console.log(JSON.stringify({ warmup: lane, client: "node fetch", serverJavaOpts: serverJavaOpts().join(" "),
      calls: warmupCalls, callers: 16, seconds, wrkCalls: warm.requests }));
  }

  const runs = Object.fromEntries(connections.map((c) => [c, Object.fromEntries(lanes.map((l) => [l, []]))]));
  for (let r = 0; r < rounds; r++) {
    for (const c of connections) {
      for (let j = 0; j < lanes.length; j++) {
        const lane = lanes[(r + j) % lanes.length];
        const before = [cpuMs(mock.pid), cpuMs(server.pid)];
        const result = await wrk(["-t1", `-c${c}`, `-d${seconds}s`, "--latency", "-s", script[lane], url[lane]],
          (seconds + 15) * 1000);
        result.cpu = [cpuMs(mock.pid) - before[0], cpuMs(server.pid) - before[1]];
        runs[c][lane].push(result);
      }
    }
  }
  for (const c of connections) {
    const rows = {};
    for (const lane of lanes) {
      const rs = runs[c][lane];
      const n = rs.reduce((s, x) => s + x.requests, 0);
      const secs = rs.reduce((s, x) => s + x.duration_us, 0) / 1e6;
      const perCall = (i) => +((rs.reduce((s, x) => s + x.cpu[i], 0) * 1000) / Math.max(1, n)).toFixed(0);
      const row = { lane, client: "wrk", connections: c, what: lane === "direct" ? "direct GET from mock-fal"
        : `MCP status, ${lane === "legacy" ? `session lane ${LEGACY}` : `stateless lane ${MODERN}`}`,
      rounds, seconds: +secs.toFixed(1), n, errors: rs.reduce((s, x) => s + x.errors, 0),
      p50: ms(median(rs.map((x) => x.p50))), p90: ms(median(rs.map((x) => x.p90))),
      p99: ms(median(rs.map((x) => x.p99))), p999: ms(median(rs.map((x) => x.p999))),
      max: ms(Math.max(...rs.map((x) => x.max))), rps: Math.round(n / Math.max(secs, 1e-3)),
      mockCpuUsPerCall: perCall(0), serverCpuUsPerCall: perCall(1),
      p50Runs: rs.map((x) => ms(x.p50)), p99Runs: rs.map((x) => ms(x.p99)) };
      rows[lane] = row;
      if (lane !== "direct") {
        const d = rows.direct;
        Object.assign(row, { addedP50: +(row.p50 - d.p50).toFixed(3), addedP99: +(row.p99 - d.p99).toFixed(3),
          rpsVsDirect: +(row.rps / d.rps).toFixed(3) });
      }
      console.log(JSON.stringify(row));
    }
  }
} finally {
  bench.stop();
  rmSync(work, { recursive: true, force: true });
}
