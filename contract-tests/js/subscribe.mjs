// fal.subscribe in polling or streaming mode. Prints the result, the status sequence the client reported,
// and -- when the input is invalid -- the error the client threw (a ValidationError for a 422).
import { mockFalClient, runScenario, describeError } from "./lib/mock-fal-client.mjs";
import { loadInput } from "./lib/inputs.mjs";

runScenario(async ({ baseUrl, key, endpoint, input, mode, video }) => {
  const fal = mockFalClient(baseUrl, key);
  const statuses = [];
  let logCount = 0;
  let enqueuedId = null;
  const options = {
    input: loadInput(input, video),
    logs: true,
    mode,
    onEnqueue: (requestId) => { enqueuedId = requestId; },
    onQueueUpdate: (update) => {
      if (statuses.at(-1) !== update.status) {
        statuses.push(update.status);
      }
      logCount = Math.max(logCount, update.logs?.length ?? 0);
    },
  };
  if (mode === "polling") {
    options.pollInterval = 20;
  }
  try {
    const { data, requestId } = await fal.subscribe(endpoint, options);
    return { outcome: "completed", requestId, enqueuedId, data, statuses, logCount };
  } catch (error) {
    return { outcome: "error", enqueuedId, error: describeError(error), statuses, logCount };
  }
});
