import type { DType } from "@nablajs/tensor";

/** safetensors' element types, as the format names them. */
export type SafetensorsDType =
  | "BOOL"
  | "U8"
  | "I8"
  | "F8_E5M2"
  | "F8_E4M3"
  | "I16"
  | "U16"
  | "F16"
  | "BF16"
  | "I32"
  | "U32"
  | "F32"
  | "F64"
  | "I64"
  | "U64";

/** How one stored element type is read: its size in bytes, our dtype, and a reader. */
export interface Reader {
  size: number;
  dtype: DType;
  /** The element at byte `at` of `v`, or NaN when it does not fit in `dtype` (range error). */
  read?: (v: DataView, at: number) => number;
}

const bf16 = new DataView(new ArrayBuffer(4));

/** IEEE half precision to a number: sign, 5-bit exponent (bias 15), 10-bit fraction. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}

function int32(x: bigint): number {
  return x >= -2147483648n && x <= 2147483647n ? Number(x) : Number.NaN;
}

/**
 * Readers for every dtype we load. F32, F64 and I32 are copied as they are; F16 and BF16 widen to
 * float32; the integer types become int32 (64-bit and U32 values must fit). Others (the 8-bit
 * floats) are rejected with "unsupported dtype".
 */
export const READERS: Partial<Record<SafetensorsDType, Reader>> = {
  F64: { size: 8, dtype: "float64" },
  F32: { size: 4, dtype: "float32" },
  I32: { size: 4, dtype: "int32" },
  F16: { size: 2, dtype: "float32", read: (v, at) => half(v.getUint16(at, true)) },
  BF16: {
    size: 2,
    dtype: "float32",
    read: (v, at) => {
      bf16.setUint32(0, v.getUint16(at, true) << 16);
      return bf16.getFloat32(0);
    },
  },
  I64: { size: 8, dtype: "int32", read: (v, at) => int32(v.getBigInt64(at, true)) },
  U64: { size: 8, dtype: "int32", read: (v, at) => int32(v.getBigUint64(at, true)) },
  U32: { size: 4, dtype: "int32", read: (v, at) => int32(BigInt(v.getUint32(at, true))) },
  I16: { size: 2, dtype: "int32", read: (v, at) => v.getInt16(at, true) },
  U16: { size: 2, dtype: "int32", read: (v, at) => v.getUint16(at, true) },
  I8: { size: 1, dtype: "int32", read: (v, at) => v.getInt8(at) },
  U8: { size: 1, dtype: "int32", read: (v, at) => v.getUint8(at) },
  BOOL: { size: 1, dtype: "int32", read: (v, at) => (v.getUint8(at) ? 1 : 0) },
};

/** The dtypes the format defines (some we cannot load), in the format's alignment order. */
export const ALL_DTYPES: readonly SafetensorsDType[] = [
  "BOOL",
  "U8",
  "I8",
  "F8_E5M2",
  "F8_E4M3",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "F32",
  "F64",
  "I64",
  "U64",
];

/** The stored type of each of our dtypes when writing. */
export const WRITE_DTYPE: Record<DType, SafetensorsDType> = { float32: "F32", float64: "F64", int32: "I32" };

/** True on little-endian hosts (all common ones): raw bytes can be copied as they are. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
