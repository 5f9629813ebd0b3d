import { Tensor, type TypedArray } from "@nablajs/tensor";
import { ALL_DTYPES, LITTLE_ENDIAN, WRITE_DTYPE } from "./dtypes.js";

const encoder = new TextEncoder();

/** Compares strings by their UTF-8 bytes, as Rust's `String` ordering (the reference writer). */
export function compareUtf8(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** A JSON object written with its keys in the given order (JS objects put integer keys first). */
function jsonObject(entries: readonly [string, string][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

function bytesOf(a: TypedArray): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const v = new DataView(out.buffer);
  const size = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float64Array) v.setFloat64(i * size, a[i]!, true);
    else if (a instanceof Float32Array) v.setFloat32(i * size, a[i]!, true);
    else v.setInt32(i * size, a[i]!, true);
  }
  return out;
}

function checkInputs(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined): void {
  if (typeof tensors !== "object" || tensors === null || Array.isArray(tensors))
    throw new Error("saveSafetensors: tensors must be an object of name -> Tensor");
  for (const [name, t] of Object.entries(tensors)) {
    if (name === "__metadata__")
      throw new Error("saveSafetensors: '__metadata__' is reserved and cannot name a tensor");
    if (!(t instanceof Tensor)) throw new Error(`saveSafetensors: '${name}' is not a Tensor`);
  }
  if (metadata === undefined) return;
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))
    throw new Error("saveSafetensors: metadata must be an object of string -> string");
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== "string")
      throw new Error(`saveSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
}

/**
 * Serialises tensors (and optional string metadata) to the safetensors format, byte for byte as
 * the reference (Rust/Python) writer does: an 8-byte little-endian header length N, N bytes of
 * compact JSON `{"__metadata__":{...},"name":{"dtype":"F32","shape":[...],"data_offsets":[b,e]},...}`
 * padded with spaces to a multiple of 8, then each tensor's row-major little-endian bytes.
 * Tensors are ordered by descending dtype alignment, then by name. See
 * https://huggingface.co/docs/safetensors/index
 */
export function saveSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  checkInputs(tensors, metadata);
  const rank = (t: Tensor) => ALL_DTYPES.indexOf(WRITE_DTYPE[t.dtype]);
  const order = Object.entries(tensors).sort(([a, x], [b, y]) => rank(y) - rank(x) || compareUtf8(a, b));
  const header: [string, string][] = [];
  if (metadata !== undefined) {
    const meta = Object.entries(metadata).sort(([a], [b]) => compareUtf8(a, b));
    header.push(["__metadata__", jsonObject(meta.map(([k, v]) => [k, JSON.stringify(v)]))]);
  }
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of order) {
    const bytes = bytesOf(t.toTypedArray());
    const info = {
      dtype: WRITE_DTYPE[t.dtype],
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    header.push([name, JSON.stringify(info)]);
    datas.push(bytes);
    offset += bytes.length;
  }
  const json = encoder.encode(jsonObject(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded); // spaces
  let at = 8 + padded;
  for (const d of datas) {
    out.set(d, at);
    at += d.length;
  }
  return out;
}
