import { ALL_DTYPES, READERS, type Reader, type SafetensorsDType } from "./dtypes.js";

/** The largest header we read (the reference implementation's limit): 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor as the header describes it, checked; offsets relative to the data buffer. */
export interface Entry {
  name: string;
  dtype: SafetensorsDType;
  reader: Reader;
  shape: number[];
  begin: number;
  end: number;
}

/** Throws the loader's error. */
export function fail(message: string): never {
  throw new Error(`loadSafetensors: ${message}`);
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** Reads the header length and the JSON header; returns it and where the data buffer starts. */
export function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const length = Number(n);
  if (8 + length > bytes.length)
    fail(`header length ${length} runs past the end of the file (${bytes.length} bytes): truncated?`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    fail("the header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail("the header must be a JSON object starting with '{'");
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) fail("the header must be a JSON object");
  return { header, dataStart: 8 + length };
}

/** The `__metadata__` strings ({} when absent or null). */
export function readMetadata(header: Record<string, unknown>): Record<string, string> {
  const meta = header.__metadata__;
  const out: Record<string, string> = {};
  if (meta === undefined || meta === null) return out;
  if (!isObject(meta)) fail("__metadata__ must be an object of strings");
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== "string") fail(`__metadata__ '${k}' must be a string, got ${JSON.stringify(v)}`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** One tensor's entry with dtype, shape and byte range checked against `dataLength`. */
function readEntry(name: string, info: unknown, dataLength: number): Entry {
  const at = `tensor '${name}'`;
  if (!isObject(info)) fail(`${at}: expected an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: range } = info;
  if (typeof dtype !== "string" || !ALL_DTYPES.includes(dtype as SafetensorsDType))
    fail(`${at}: unknown dtype ${JSON.stringify(dtype)}`);
  const reader = READERS[dtype as SafetensorsDType];
  if (reader === undefined) fail(`${at}: unsupported dtype ${dtype}`);
  if (!Array.isArray(shape) || !shape.every(isCount))
    fail(`${at}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every(isCount) ||
    (range[0] as number) > (range[1] as number)
  )
    fail(`${at}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(range)}`);
  const [begin, end] = range as [number, number];
  if (end > dataLength)
    fail(`${at}: byte range [${begin}, ${end}) is out of bounds (${dataLength} data bytes)`);
  // The expected byte count, stopping as soon as it exceeds the range (no overflow, no huge sizes).
  const held = end - begin;
  let need = shape.includes(0) ? 0 : reader.size;
  for (const d of shape) if (need <= held) need *= d;
  if (need !== held) {
    const what = need > held ? `more than ${held}` : `${need}`;
    fail(
      `${at}: shape [${shape.join(",")}] of ${dtype} needs ${what} bytes, its range [${begin}, ${end}) holds ${held}`,
    );
  }
  return { name, dtype: dtype as SafetensorsDType, reader, shape, begin, end };
}

/**
 * Every tensor entry, checked, and the check the format requires of their ranges together: sorted
 * by offset they must tile the data buffer exactly, with no overlap, no hole and nothing after.
 */
export function readEntries(header: Record<string, unknown>, dataLength: number): Entry[] {
  const entries = Object.entries(header)
    .filter(([name]) => name !== "__metadata__")
    .map(([name, info]) => readEntry(name, info, dataLength));
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let prev = "";
  for (const e of sorted) {
    if (e.begin < cursor) fail(`tensors '${prev}' and '${e.name}' overlap (bytes ${e.begin} to ${cursor})`);
    if (e.begin > cursor) fail(`bytes [${cursor}, ${e.begin}) of the data belong to no tensor`);
    cursor = e.end;
    prev = e.name;
  }
  if (cursor !== dataLength)
    fail(`bytes [${cursor}, ${dataLength}) after the last tensor belong to no tensor`);
  return entries;
}
