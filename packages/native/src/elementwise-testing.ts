// Helpers for the elementwise tests: a seeded PRNG, strided views of every kind, special values
// and ulp distances. Test-only (not exported from the package entry).

import type { KernelArray } from "./elementwise.js";
import type { KernelView } from "./elementwise-views.js";

/** A seeded PRNG (mulberry32): uniform numbers in [0, 1), the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The dtypes the kernels take. */
export type DTypeName = "float32" | "float64" | "int32";

/** The typed array constructor of each dtype. */
export const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

/** Values that break naive kernels: signed zeros, infinities, NaN, denormals, extremes. */
export const SPECIALS = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  1,
  -1,
  0.5,
  -0.5,
  1e-45,
  -1e-45,
  1e-40,
  1.1754943508222875e-38,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  5e-324,
  1e-310,
  1e300,
  -1e300,
  88.72283935546875,
  88.7228,
  89,
  -87.33654,
  -103.97207708,
  -104,
  709.78,
  -745.2,
  9.01,
  -9.01,
  20,
  1e-8,
  -1e-8,
  0.625,
  Math.PI,
  -Math.PI / 2,
  1e6,
  16777216,
  2 ** 24 + 2,
  2 ** 30,
];

const INT_SPECIALS = [0, 1, -1, 2, -2, 2147483647, -2147483648, 46340, -46341, 65536];

/** n values of `dtype`: a mix of small uniform, wide-range (random exponent) and special values. */
export function values(rand: () => number, dtype: DTypeName, n: number): KernelArray {
  const out = new ARRAYS[dtype](n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (dtype === "int32") {
      out[i] = r < 0.1 ? INT_SPECIALS[i % INT_SPECIALS.length]! : Math.floor((rand() - 0.5) * 200);
    } else if (r < 0.1) {
      out[i] = SPECIALS[Math.floor(rand() * SPECIALS.length)]!;
    } else if (r < 0.4) {
      const e = dtype === "float32" ? 80 : 300;
      out[i] = (rand() < 0.5 ? -1 : 1) * (1 + rand()) * 2 ** Math.floor((rand() - 0.5) * 2 * e);
    } else {
      out[i] = (rand() - 0.5) * 20;
    }
  }
  return out;
}

/** The layouts every op is tested over. */
export const LAYOUTS = ["contiguous", "offset", "strided", "transposed", "broadcast", "reversed"] as const;
/** One of {@link LAYOUTS}. */
export type LayoutKind = (typeof LAYOUTS)[number];

/**
 * A view of `shape` of kind `kind` over fresh storage filled by `fill`: contiguous, at an offset,
 * every other element of the last axis, transposed (column-major), broadcast (every other axis
 * of stride 0) or reversed (negative strides).
 */
export function makeView(
  shape: readonly number[],
  kind: LayoutKind,
  fill: (n: number) => KernelArray,
): KernelView {
  const nd = shape.length;
  const strides = new Array<number>(nd).fill(0);
  const order = kind === "transposed" ? [...Array(nd).keys()] : [...Array(nd).keys()].reverse();
  let size = kind === "strided" ? 2 : 1; // the fastest axis steps over every other element
  for (const d of order) {
    if (kind === "broadcast" && d % 2 === 0) continue;
    strides[d] = size;
    size *= shape[d]!;
  }
  const empty = shape.includes(0);
  let offset = kind === "offset" ? 3 : 0;
  if (kind === "reversed") {
    for (let d = 0; d < nd; d++) {
      offset += (shape[d]! - 1) * strides[d]!;
      strides[d] = -strides[d]!;
    }
  }
  const data = fill(empty ? 0 : size + (kind === "offset" ? 5 : 0));
  return { data, shape, strides, offset: empty ? 0 : offset };
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The distance in float32 (or float64) steps between a and b; NaN matches only NaN. */
export function ulps(a: number, b: number, dtype: DTypeName): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  if (dtype === "int32") return Math.abs(a - b);
  if (dtype === "float32") {
    const ord = (v: number) => {
      f32[0] = v;
      const bits = i32[0]!;
      return bits >= 0 ? bits : -(bits & 0x7fffffff);
    };
    return Math.abs(ord(a) - ord(b));
  }
  const ord = (v: number) => {
    f64[0] = v;
    const bits = i64[0]!;
    return bits >= 0n ? bits : -(bits & 0x7fffffffffffffffn);
  };
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}

/** The largest ulp distance between two arrays, and where. */
export function maxUlps(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  dtype: DTypeName,
): { ulps: number; at: number } {
  let worst = { ulps: 0, at: -1 };
  for (let i = 0; i < a.length; i++) {
    const u = ulps(a[i]!, b[i]!, dtype);
    if (u > worst.ulps) worst = { ulps: u, at: i };
  }
  return worst;
}

/**
 * Fails (with `what` and the first offending index) unless out is within `tol` ulps of ref
 * everywhere; with tol 0 the values must be identical, signed zeros and NaN included.
 */
export function expectClose(
  out: ArrayLike<number>,
  ref: ArrayLike<number>,
  dtype: DTypeName,
  tol: number,
  what: string,
): void {
  for (let i = 0; i < ref.length; i++) {
    const [o, r] = [out[i]!, ref[i]!];
    const ok = tol === 0 ? Object.is(o, r) || (Number.isNaN(o) && Number.isNaN(r)) : ulps(o, r, dtype) <= tol;
    if (!ok) throw new Error(`${what}: element ${i} is ${o}, expected ${r} (within ${tol} ulps)`);
  }
}

/** The instruction sets this machine can run, each made active in turn by the tests. */
export function isas(k: { setElementwiseIsa(isa: string): boolean; elementwiseIsa(): string }): string[] {
  k.setElementwiseIsa("auto");
  const best = k.elementwiseIsa();
  return best === "avx512" ? ["scalar", "avx2", "avx512"] : best === "avx2" ? ["scalar", "avx2"] : ["scalar"];
}
