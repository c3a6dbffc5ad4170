// mock-fal for a JavaScript project, as mock-fal/README.md shows it: set a scenario over the control API, run fal's own
// client against the mock, then ask the mock what the client sent that fal's documents do not allow.
//   node scenario-and-report.mjs http://127.0.0.1:8790
// Prints one JSON line: what the submit did, and every contract violation the mock recorded.
import { createFalClient } from "@fal-ai/client";

const base = process.argv[2] ?? "http://127.0.0.1:8790";
const control = (path, method = "GET", body) =>
  fetch(`${base}/_mock/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body && JSON.stringify(body),
  }).then((r) => r.json());

// 1. A scenario: time stands still, and fal's queue is busy for the first two submits (429, Retry-After: 1).
await control("reset", "POST");
await control("scenario", "PUT", { clock: { mode: "manual" }, faults: "submit=429x2,retry_after=1" });

// 2. fal's client, unmodified except for a requestMiddleware that sends fal's hosts to the mock.
const FAL_HOSTS = ["queue.fal.run", "fal.run", "rest.fal.ai"];
const fal = createFalClient({
  credentials: "any-key-id:any-key-secret",
  requestMiddleware: async (request) => {
    const url = new URL(request.url);
    return FAL_HOSTS.includes(url.host) ? { ...request, url: `${base}${url.pathname}${url.search}` } : request;
  },
});

// 3. A sloppy input: duration as a number (fal wants the string "8"), and a field fal does not have.
const input = { prompt: "a red fox runs", image_url: "https://example.com/fox.png", duration: 8, colour: "red" };
let submit;
try {
  const { request_id } = await fal.queue.submit("fal-ai/kling-video/o3/standard/image-to-video", { input });
  submit = { accepted: true, requestId: request_id };
} catch (error) {
  submit = { accepted: false, status: error.status };
}

// 4. The report: every request that did not match fal's documents, and what was wrong, by path.
const report = await control("requests?only=violations");
const violations = report.requests.flatMap((r) =>
  r.violations.map((v) => `#${r.seq} ${r.method} ${r.path} -> ${r.status}: ${v.where} ${v.path} ${v.problem}`),
);
const jobs = await control("jobs");
console.log(JSON.stringify({ submit, attempts: Object.values(jobs.submits)[0]?.attempts ?? 0, violations }));
