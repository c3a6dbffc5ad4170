// What kling-mcp adds to a status read: an MCP `status` tool call over Streamable HTTP against a direct GET of the same
// status from mock-fal, with the same HTTP client (Node's fetch, or undici's Pool with CLIENT=undici), the same number
// of concurrent callers, in alternating phases so load drift weighs on every lane alike. Both protocol eras are
// loaded: the legacy session lane (initialize, Mcp-Session-Id; served by the MCP Java SDK) and the stateless 2026-07-28
// lane (every request carries its _meta and routing headers; served by kling-mcp itself). Two transport-only rows say
// what the lanes cost without a tool: `ping` in the session (answered by the SDK alone) and `server/discover` on the
// stateless lane.
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
// env:   SERVER_JAVA_OPTS  kling-mcp's JVM flags instead of the launcher's -XX:+UseSerialGC ("" = java -jar's G1)
//        LANES             comma-separated subset of direct,legacy,legacy-ping,stateless,stateless-discover
//        OPEN_RATES        aggregate request rates (req/s) of the open-loop rows, comma-separated; default 200,1000;
//                          "none" skips them. Open-loop rows load direct, legacy and stateless (those of LANES).
//        CLIENT            fetch (default: Node's fetch, as the TypeScript MCP SDK sends) or undici (undici's
//                          Pool.request, no WHATWG layer: far less client CPU); every lane uses the same one
//        CLOSED            "none" skips the closed-loop rows (open-loop rows only)
//        WARMUP_CALLS, WARMUP_CALLERS  calls per lane before anything is measured (20000) and their concurrency (16)
// The direct lane parses its JSON body as the MCP lanes do theirs, so the client does the same work apart from the
// protocol. Node's client costs ~2x more CPU on an MCP call than on a direct GET (a POST, a larger body); the
// http-overhead-wrk.mjs cross-check measures both with wrk (C) to show what the server alone adds.
// prints one JSON line per lane (and per lane and rate): requests, p50/p99 in ms, requests/s, CPU time per call of
// mock-fal, kling-mcp and the client (µs), and for MCP lanes what they add to the direct GET. A closed-loop MCP row
// with more callers than cores also prints the CPU arithmetic of a saturated loop, where every call waits for the CPU
// time of the calls ahead of it: cpuPredictedAddedP50 = callers / cores x (the lane's CPU per call across client,
// kling-mcp and mock - the direct GET's), and serverCpuUsBudgetForGoal = the kling-mcp CPU per call at which that
// arithmetic gives the +0.5 ms goal with this client's and mock's measured costs (negative: no server can meet it
// with this client, its own extra CPU per MCP call alone is over the goal).
import { availableParallelism } from "node:os";
import { KEY, LEGACY, MODERN, cpuMs, httpClient, runCalls, serverJavaOpts, startBench } from "./http-bench-setup.mjs";

const [serverJar, mockJar, callersArg, secondsArg, roundsArg] = process.argv.slice(2);
const callers = Number(callersArg ?? 32);
const phaseMs = Number(secondsArg ?? 5) * 1000;
const rounds = Number(roundsArg ?? 3);
const CORES = availableParallelism();
const ADDED_P50_GOAL_US = 500;

/** The closed loop's CPU arithmetic (see the header): µs per call of client, kling-mcp and mock against the GET's. */
function saturatedArithmetic(lane, direct) {
  const total = (l) => l.clientCpuUsPerCall + l.serverCpuUsPerCall + l.mockCpuUsPerCall;
  const otherExtra = lane.clientCpuUsPerCall + lane.mockCpuUsPerCall - total(direct);
  return {
    cores: CORES,
    cpuPredictedAddedP50: +(((callers / CORES) * (total(lane) - total(direct))) / 1000).toFixed(2),
    serverCpuUsBudgetForGoal: Math.round((ADDED_P50_GOAL_US * CORES) / callers - otherExtra),
  };
}
// Warm-up: a fixed number of calls per lane at a fixed concurrency, whatever the measured row's callers, so every row
// (the one-caller row too) is measured on a JIT-compiled server, client and mock. Printed as "warmup" lines.
const warmupCalls = Number(process.env.WARMUP_CALLS ?? 20_000);
const warmupCallers = Number(process.env.WARMUP_CALLERS ?? 16);

const openRates = (process.env.OPEN_RATES ?? "200,1000") === "none"
  ? [] : (process.env.OPEN_RATES ?? "200,1000").split(",").map(Number).filter((r) => r > 0);

// The whole run is bounded: start-up (≤ 180 s), the warm-up (≤ 60 s per lane), the phases, the open-loop phases (3
// lanes per rate, a phase may overrun by the 30 s request timeout), plus a margin.
const closedRounds = process.env.CLOSED === "none" ? 0 : rounds;
const phaseCount = 5;
const budgetMs = 240_000 + phaseCount * 60_000 + rounds * phaseCount * phaseMs
  + rounds * openRates.length * 3 * (phaseMs + 30_000);
const children = [];
const watchdog = setTimeout(() => {
  console.error(`http-overhead: gave up after ${budgetMs / 1000} s`);
  for (const c of children) c.kill("SIGKILL");
  process.exit(3);
}, budgetMs);
watchdog.unref();

// Exactly n calls by `concurrency` callers; returns CPU ms of [mock, kling-mcp, client] and the wall time.
async function countPhase(call, n, concurrency) {
  const before = children.map((c) => cpuMs(c.pid));
  const client = process.cpuUsage();
  const t = performance.now();
  await runCalls(call, n, concurrency);
  const used = process.cpuUsage(client);
  return { cpu: [...children.map((c, i) => cpuMs(c.pid) - before[i]), (used.user + used.system) / 1000],
    ms: performance.now() - t };
}

// Two passes over all lanes, half the calls each: code the lanes share is compiled during the first lane's first
// pass, so the second pass's CPU per call is what steady state costs (printed beside the first's).
async function warmUp(lanes) {
  const half = Math.max(1, Math.floor(warmupCalls / 2));
  const passes = Object.fromEntries(Object.keys(lanes).map((l) => [l, []]));
  for (let pass = 0; pass < 2; pass++) {
    for (const [lane, call] of Object.entries(lanes)) passes[lane].push(await countPhase(call, half, warmupCallers));
  }
  const perCall = (p, i) => +((p.cpu[i] * 1000) / half).toFixed(0);
  for (const [lane, [first, second]] of Object.entries(passes)) {
    console.log(JSON.stringify({ warmup: lane, client: client.label, serverJavaOpts: serverJavaOpts().join(" "),
      calls: 2 * half, callers: warmupCallers,
      seconds: +((first.ms + second.ms) / 1000).toFixed(1),
      serverCpuUsPerCallFirstPass: perCall(first, 1), serverCpuUsPerCallSecondPass: perCall(second, 1),
      clientCpuUsPerCallFirstPass: perCall(first, 2), clientCpuUsPerCallSecondPass: perCall(second, 2) }));
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

const client = await httpClient();
const bench = await startBench(serverJar, mockJar, children, client);
const { jobId, statusUrl, legacy, stateless } = bench;
try {
  const lanes = {
    direct: async () => {
      // Parsed like a status poller would, so both lanes do the same client work apart from the protocol.
      const r = await client.send(statusUrl, "GET", { authorization: `Key ${KEY}` });
      const json = JSON.parse(r.text);
      if (r.status !== 202 || json.status !== "IN_PROGRESS") throw new Error(`direct status ${r.status} ${json.status}`);
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
  await warmUp(Object.fromEntries(chosen.map((l) => [l, lanes[l]]))); // not counted
  const all = Object.fromEntries(chosen.map((l) => [l, []]));
  const cpu = Object.fromEntries(chosen.map((l) => [l, [0, 0, 0]])); // [mock, kling-mcp, client] CPU ms
  for (let i = 0; i < closedRounds; i++) {
    // Rotate the order each round so no lane always follows the same neighbour.
    const order = chosen.map((_, j) => chosen[(i + j) % chosen.length]);
    // A loop, not push(...spread): a fast client's phase returns more latencies than a call can take as arguments.
    for (const l of order) for (const v of await phase(lanes[l], cpu[l])) all[l].push(v);
  }
  const seconds = (rounds * phaseMs) / 1000;
  const row = (v) => ({ n: v.length, p50: +pct(v, 50).toFixed(2), p99: +pct(v, 99).toFixed(2), rps: Math.round(v.length / seconds) });
  const d = closedRounds > 0 ? row(all.direct) : null;
  const closedLine = (l) => {
    const r = row(all[l]);
    const perCall = (ms) => +((ms * 1000) / Math.max(1, r.n)).toFixed(0);
    return { lane: l, mode: "closed", client: client.label, what: labels[l], callers, seconds, ...r,
      mockCpuUsPerCall: perCall(cpu[l][0]), serverCpuUsPerCall: perCall(cpu[l][1]), clientCpuUsPerCall: perCall(cpu[l][2]) };
  };
  const directLine = d ? closedLine("direct") : null;
  for (const l of d ? chosen : []) {
    const line = l === "direct" ? directLine : closedLine(l);
    if (l !== "direct") {
      Object.assign(line, { addedP50: +(line.p50 - d.p50).toFixed(2), addedP99: +(line.p99 - d.p99).toFixed(2),
        rpsVsDirect: +(line.rps / d.rps).toFixed(3) });
      if (callers > CORES) Object.assign(line, saturatedArithmetic(line, directLine));
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
        for (const v of run.latencies) o.latencies.push(v);
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
      const line = { lane: l, mode: "open", client: client.label, rate, what: labels[l], callers, seconds: +o.seconds.toFixed(1), n,
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
  if (client.socketRetries) console.log(JSON.stringify({ lane: "client", socketRetries: client.socketRetries }));
} finally {
  bench.stop();
  await client.close();
}
