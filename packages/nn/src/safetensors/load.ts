import { allocate, Tensor } from "@nablajs/tensor";
import { LITTLE_ENDIAN } from "./dtypes.js";
import { type Entry, fail, readEntries, readHeader, readMetadata } from "./header.js";

/** The contents of a safetensors file. */
export interface Safetensors {
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings ({} when the file has none). */
  metadata: Record<string, string>;
}

/** One tensor's values, copied out of the file into its own aligned storage. */
function readTensor(bytes: Uint8Array, dataStart: number, e: Entry): Tensor {
  const start = bytes.byteOffset + dataStart + e.begin;
  const count = (e.end - e.begin) / e.reader.size;
  const out = allocate(e.reader.dtype, count);
  const { read } = e.reader;
  if (read === undefined && LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(new Uint8Array(bytes.buffer, start, e.end - e.begin));
  } else {
    const v = new DataView(bytes.buffer, start, e.end - e.begin);
    const size = e.reader.size;
    const get =
      read ??
      (out instanceof Float64Array
        ? (d: DataView, at: number) => d.getFloat64(at, true)
        : out instanceof Float32Array
          ? (d: DataView, at: number) => d.getFloat32(at, true)
          : (d: DataView, at: number) => d.getInt32(at, true));
    for (let i = 0; i < count; i++) {
      const x = get(v, i * size);
      if (e.reader.dtype === "int32" && Number.isNaN(x))
        fail(`tensor '${e.name}': element ${i} of ${e.dtype} does not fit in int32`);
      out[i] = x;
    }
  }
  return new Tensor(out, e.shape);
}

/**
 * Parses a safetensors file (bytes as written by Python's `safetensors`, by `saveSafetensors` or
 * any conforming writer). Everything is validated before anything is allocated: the header length
 * (at most 100 MB, inside the file), UTF-8 JSON, known dtypes, non-negative integer shapes, byte
 * ranges equal to shape x element size, in bounds, tiling the data buffer with no overlap or hole,
 * and string metadata. A malformed or truncated file throws an Error naming the problem.
 * F32, F64 and I32 load as they are; F16 and BF16 widen to float32; I64, U64, U32, I16, U16, I8,
 * U8 and BOOL become int32 (values must fit); the 8-bit floats are "unsupported dtype".
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Safetensors {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) fail("expected a Uint8Array or an ArrayBuffer");
  const { header, dataStart } = readHeader(bytes);
  const metadata = readMetadata(header);
  const entries = readEntries(header, bytes.length - dataStart);
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    const t = readTensor(bytes, dataStart, e);
    // defineProperty: a tensor named "__proto__" must be an entry, not a new prototype.
    Object.defineProperty(tensors, e.name, {
      value: t,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { tensors, metadata };
}
