// queue.cancel at three moments:
//   --when=before  submit, then cancel at once (the test runs the mock on a manual clock, so the job is still queued)
//   --when=after   subscribe to the end, then cancel -> ApiError 400 {"status":"ALREADY_COMPLETED"}
//   --request=<id> cancel a request the test submitted earlier and moved on (e.g. IN_PROGRESS)
// Each prints the status before, the cancel outcome, and the status after.
import { mockFalClient, runScenario, describeError } from "./lib/mock-fal-client.mjs";
import { loadInput } from "./lib/inputs.mjs";

async function attempt(action) {
  try {
    return { ok: true, value: (await action()) ?? null };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

runScenario(async ({ baseUrl, key, endpoint, input, video, when, request }) => {
  const fal = mockFalClient(baseUrl, key);
  let requestId = request;
  if (when === "before") {
    ({ request_id: requestId } = await fal.queue.submit(endpoint, { input: loadInput(input, video) }));
  } else if (when === "after") {
    ({ requestId } = await fal.subscribe(endpoint, { input: loadInput(input, video), pollInterval: 20 }));
  } else if (!requestId) {
    throw new Error(`give --when=before|after or --request=<id>, not ${when}`);
  }
  const statusBefore = await fal.queue.status(endpoint, { requestId, logs: false });
  const cancel = await attempt(() => fal.queue.cancel(endpoint, { requestId }));
  const statusAfter = await attempt(() => fal.queue.status(endpoint, { requestId, logs: false }));
  return { requestId, statusBefore, cancel, statusAfter };
});
