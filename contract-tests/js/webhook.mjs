// queue.submit with a webhookUrl (sent as ?fal_webhook=); the test's own receiver checks the delivery.
import { mockFalClient, runScenario } from "./lib/mock-fal-client.mjs";
import { loadInput } from "./lib/inputs.mjs";

runScenario(async ({ baseUrl, key, endpoint, input, video, webhook }) => {
  const fal = mockFalClient(baseUrl, key);
  const submitted = await fal.queue.submit(endpoint, { input: loadInput(input, video), webhookUrl: webhook });
  return { submitted };
});
