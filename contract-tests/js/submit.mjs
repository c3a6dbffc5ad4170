// queue.submit alone (optionally with a webhookUrl, sent as ?fal_webhook=): the test then drives the mock's clock,
// watches its webhook receiver, or goes on with cancel.mjs --request=<id>.
import { mockFalClient, runScenario } from "./lib/mock-fal-client.mjs";
import { loadInput } from "./lib/inputs.mjs";

runScenario(async ({ baseUrl, key, endpoint, input, video, webhook }) => {
  const fal = mockFalClient(baseUrl, key);
  const options = { input: loadInput(input, video) };
  if (webhook) {
    options.webhookUrl = webhook;
  }
  const submitted = await fal.queue.submit(endpoint, options);
  return { submitted };
});
