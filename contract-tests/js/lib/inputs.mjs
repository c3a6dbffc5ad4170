// Seed inputs come as JSON files. fal's JS doc examples write "..." for every URL; those become real files
// (Blobs) here, which @fal-ai/client uploads to the mock's storage by itself before it submits (storage
// transformInput) -- the same path a user's own File objects take.
import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const PLACEHOLDER = "...";
// Only URL fields hold files; a "..." prompt (fal's queue.submit sketch) stays the text it is.
const URL_KEY = /_urls?$/;
const VIDEO_KEYS = new Set(["video_url"]);

export function loadInput(file, videoFile) {
  const input = JSON.parse(readFileSync(file, "utf8"));
  return materialize(input, undefined, videoFile);
}

function materialize(value, key, videoFile) {
  if (Array.isArray(value)) {
    return value.map((item) => materialize(item, key, videoFile));
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v, k, videoFile)]));
  }
  if (value !== PLACEHOLDER || !URL_KEY.test(key ?? "")) {
    return value;
  }
  if (VIDEO_KEYS.has(key)) {
    if (!videoFile) {
      throw new Error(`input has a "..." video URL at ${key} but no --video=<mp4 file> was given`);
    }
    return new Blob([readFileSync(videoFile)], { type: "video/mp4" });
  }
  return new Blob([solidPng(320, 320, [200, 120, 40])], { type: "image/png" });
}

/** A valid RGB PNG of one colour (big enough for fal's 300x300 minimum image size). */
export function solidPng(width, height, [r, g, b]) {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) {
    row.set([r, g, b], 1 + x * 3);
  }
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}
