// fal.storage.upload of --size bytes (multipart above 90 MiB, decided by the client itself), then a plain
// download of the returned file_url; both sides hashed with SHA-256 so the test can compare them.
import { createHash } from "node:crypto";
import { mockFalClient, runScenario } from "./lib/mock-fal-client.mjs";

/** Deterministic, incompressible-looking bytes (xorshift32), so a mock that mangles one part is caught. */
function generate(size, seed) {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    words[i] = x;
  }
  return new Uint8Array(words.buffer, 0, size);
}

runScenario(async ({ baseUrl, key, size, type = "application/octet-stream", name = "payload.bin" }) => {
  const fal = mockFalClient(baseUrl, key);
  const bytes = generate(Number(size), Number(size) ^ 0x5eed);
  const sha256Sent = createHash("sha256").update(bytes).digest("hex");
  const fileUrl = await fal.storage.upload(new File([bytes], name, { type }));
  const served = await fetch(fileUrl);
  const hash = createHash("sha256");
  let servedSize = 0;
  for await (const chunk of served.body) {
    hash.update(chunk);
    servedSize += chunk.length;
  }
  return {
    fileUrl,
    size: bytes.length,
    sha256Sent,
    servedStatus: served.status,
    servedContentType: served.headers.get("content-type"),
    servedSize,
    sha256Served: hash.digest("hex"),
  };
});
