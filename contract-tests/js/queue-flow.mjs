// The manual queue flow: queue.submit, then queue.status with logs until COMPLETED, then queue.result.
import { mockFalClient, runScenario, sleep } from "./lib/mock-fal-client.mjs";
import { loadInput } from "./lib/inputs.mjs";

const MAX_POLLS = 600;

runScenario(async ({ baseUrl, key, endpoint, input, video }) => {
  const fal = mockFalClient(baseUrl, key);
  const submitted = await fal.queue.submit(endpoint, { input: loadInput(input, video) });
  const requestId = submitted.request_id;
  const statuses = [];
  let status;
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    status = await fal.queue.status(endpoint, { requestId, logs: true });
    if (statuses.at(-1) !== status.status) {
      statuses.push(status.status);
    }
    if (status.status === "COMPLETED") {
      break;
    }
    await sleep(20);
  }
  if (status.status !== "COMPLETED") {
    throw new Error(`not COMPLETED after ${MAX_POLLS} polls: ${JSON.stringify(status)}`);
  }
  const result = await fal.queue.result(endpoint, { requestId });
  return { submitted, statuses, completed: status, result: { requestId: result.requestId, data: result.data } };
});
