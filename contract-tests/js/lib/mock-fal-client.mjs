// The one way every scenario talks to mock-fal: fal's own client, configured ONLY with credentials and a
// requestMiddleware that rewrites fal's hosts to the mock. Nothing else is patched, so
// what passes here is what an unmodified @fal-ai/client user would see.
import { createFalClient, ApiError, ValidationError } from "@fal-ai/client";

const FAL_HOSTS = new Set(["queue.fal.run", "fal.run", "rest.fal.ai"]);

export function mockFalClient(baseUrl, credentials) {
  const mock = new URL(baseUrl);
  return createFalClient({
    credentials,
    requestMiddleware: async (request) => {
      const url = new URL(request.url);
      if (!FAL_HOSTS.has(url.host)) {
        return request;
      }
      return { ...request, url: `${mock.origin}${url.pathname}${url.search}` };
    },
  });
}

/** `node x.mjs <baseUrl> --name=value ...` -> { baseUrl, name: value, ... } */
export function parseArgs(argv = process.argv.slice(2)) {
  const [baseUrl, ...rest] = argv;
  if (!baseUrl || baseUrl.startsWith("--")) {
    throw new Error("usage: node <scenario>.mjs <mockBaseUrl> [--key=value ...]");
  }
  const options = { baseUrl, key: process.env.CONTRACT_FAL_KEY ?? "contract-key-id:contract-key-secret" };
  for (const arg of rest) {
    const match = /^--([^=]+)=(.*)$/s.exec(arg);
    if (!match) {
      throw new Error(`not a --key=value argument: ${arg}`);
    }
    options[match[1]] = match[2];
  }
  return options;
}

/** What a test needs to know about an error the client threw (the JSON the Java side asserts on). */
export function describeError(error) {
  const described = {
    name: error?.name ?? typeof error,
    message: String(error?.message ?? error),
    isApiError: error instanceof ApiError,
    isValidationError: error instanceof ValidationError,
  };
  if (error instanceof ApiError) {
    described.status = error.status;
    described.body = error.body;
    described.requestId = error.requestId ?? null;
  }
  if (error instanceof ValidationError) {
    described.fieldErrors = error.fieldErrors;
  }
  return described;
}

/**
 * Runs a scenario and prints exactly one JSON line on stdout: the scenario's result, or
 * {"unexpectedError": ...} with exit code 1 when something the scenario did not plan for was thrown.
 */
export async function runScenario(scenario) {
  try {
    const result = await scenario(parseArgs());
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.stdout.write(`${JSON.stringify({ unexpectedError: describeError(error) })}\n`);
    process.exitCode = 1;
  }
}

/** A bounded wait, so a mock that never answers fails the scenario instead of hanging it. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
