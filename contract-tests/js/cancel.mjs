// queue.cancel before completion (--when=before: submit, cancel at once; the test holds the job in the queue)
// and after completion (--when=after: subscribe to the end, then cancel -> ApiError 400 ALREADY_COMPLETED).
import { mockFalClient, runScenario, describeError } from "./lib/mock-fal-client.mjs";
import { loadInput } from "./lib/inputs.mjs";

async function attempt(action) {
  try {
    return { ok: true, value: (await action()) ?? null };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

runScenario(async ({ baseUrl, key, endpoint, input, video, when }) => {
  const fal = mockFalClient(baseUrl, key);
  const payload = { input: loadInput(input, video) };
  let requestId;
  if (when === "before") {
    ({ request_id: requestId } = await fal.queue.submit(endpoint, payload));
  } else if (when === "after") {
    ({ requestId } = await fal.subscribe(endpoint, { ...payload, pollInterval: 20 }));
  } else {
    throw new Error(`--when must be before or after, not ${when}`);
  }
  const statusBefore = await fal.queue.status(endpoint, { requestId, logs: false });
  const cancel = await attempt(() => fal.queue.cancel(endpoint, { requestId }));
  const statusAfter = await attempt(() => fal.queue.status(endpoint, { requestId, logs: false }));
  return { requestId, statusBefore, cancel, statusAfter };
});
