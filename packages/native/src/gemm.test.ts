import { afterAll, describe, expect, it } from "vitest";
import type { FloatArray, GemmIsa, NativeAddon } from "./index.js";
import { loadNative } from "./index.js";

const addon = loadNative().addon as NativeAddon;

/** mulberry32: a tiny seeded generator of uniform numbers in [0, 1). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Dtype = "f32" | "f64";
/** How a rows x cols operand sits in memory. */
type Layout = "row" | "col" | "strided" | "flipped";
const layouts: Layout[] = ["row", "col", "strided", "flipped"];

/** A strided operand: element [i, j] is data[off + i * s0 + j * s1]. */
interface Operand {
  data: FloatArray;
  off: number;
  s0: number;
  s1: number;
}

/** A rows x cols operand in the given layout, behind a few elements of padding, seeded values. */
function operand(rows: number, cols: number, layout: Layout, dtype: Dtype, rand: () => number): Operand {
  const pad = 3;
  let s0: number;
  let s1: number;
  let off = pad;
  let size: number;
  if (layout === "row") [s0, s1, size] = [cols, 1, rows * cols];
  else if (layout === "col") [s0, s1, size] = [1, rows, rows * cols];
  else if (layout === "strided") [s0, s1, size] = [2 * cols + 1, 2, rows * (2 * cols + 1)];
  else {
    // rows read bottom to top: a negative row stride
    [s0, s1, size] = [-cols, 1, rows * cols];
    off += (rows - 1) * cols;
  }
  const data = dtype === "f32" ? new Float32Array(size + 2 * pad) : new Float64Array(size + 2 * pad);
  for (let i = 0; i < data.length; i++) data[i] = 2 * rand() - 1;
  return { data, off, s0, s1 };
}

const at = (x: Operand, i: number, j: number) => x.data[x.off + i * x.s0 + j * x.s1]!;

/** One product to run: its shape, operands, and C (initial values c0) with a padded leading dimension. */
interface Case {
  m: number;
  n: number;
  k: number;
  a: Operand;
  b: Operand;
  c0: FloatArray;
  cOff: number;
  ldc: number;
  accumulate: boolean;
  /** The float64 triple loop's C and the rounding bound of each element, computed once. */
  reference?: { expected: Float64Array; bound: Float64Array };
}

function makeCase(
  [m, n, k]: number[],
  la: Layout,
  lb: Layout,
  dtype: Dtype,
  accumulate: boolean,
  seed: number,
): Case {
  const rand = prng(seed);
  const a = operand(m!, k!, la, dtype, rand);
  const b = operand(k!, n!, lb, dtype, rand);
  const ldc = n! + 2;
  const cOff = 1;
  const c0 = dtype === "f32" ? new Float32Array(cOff + m! * ldc + 1) : new Float64Array(cOff + m! * ldc + 1);
  for (let i = 0; i < c0.length; i++) c0[i] = 2 * rand() - 1;
  return { m: m!, n: n!, k: k!, a, b, c0, cOff, ldc, accumulate };
}

/**
 * C by a float64 triple loop, and for each element the rounding bound
 * (k + 4) eps (|C0| + sum_p |A[i, p] B[p, j]|) a float kernel must stay within.
 */
function reference(t: Case) {
  if (t.reference) return t.reference;
  const eps = t.c0 instanceof Float32Array ? 2 ** -23 : 2 ** -52;
  const expected = new Float64Array(t.m * t.n);
  const bound = new Float64Array(t.m * t.n);
  for (let i = 0; i < t.m; i++)
    for (let j = 0; j < t.n; j++) {
      let sum = t.accumulate ? t.c0[t.cOff + i * t.ldc + j]! : 0;
      let mag = Math.abs(sum);
      for (let p = 0; p < t.k; p++) {
        const x = at(t.a, i, p) * at(t.b, p, j);
        sum += x;
        mag += Math.abs(x);
      }
      expected[i * t.n + j] = sum;
      bound[i * t.n + j] = (t.k + 4) * eps * mag;
    }
  t.reference = { expected, bound };
  return t.reference;
}

/** The first element of C off its reference, or outside C (padding, gap columns) changed; or null. */
function mismatch(t: Case, c: FloatArray): string | null {
  const { expected, bound } = reference(t);
  for (let idx = 0; idx < c.length; idx++) {
    const rel = idx - t.cOff;
    const i = Math.floor(rel / t.ldc);
    const j = rel - i * t.ldc;
    if (rel < 0 || i >= t.m || j >= t.n) {
      if (!Object.is(c[idx], t.c0[idx])) return `element ${idx} outside C changed`;
    } else if (!(Math.abs(c[idx]! - expected[i * t.n + j]!) <= bound[i * t.n + j]!)) {
      return `C[${i}, ${j}] = ${c[idx]}, expected ${expected[i * t.n + j]}`;
    }
  }
  return null;
}

function runGemm(t: Case, c: FloatArray) {
  const { a, b } = t;
  addon.gemm(
    a.data,
    a.off,
    a.s0,
    a.s1,
    b.data,
    b.off,
    b.s0,
    b.s1,
    c,
    t.cOff,
    t.ldc,
    t.m,
    t.n,
    t.k,
    t.accumulate,
  );
}

function runPacked(t: Case, c: FloatArray) {
  const packed = addon.packB(t.b.data, t.b.off, t.b.s0, t.b.s1, t.k, t.n);
  // the values are copied at pack time: scribbling over B afterwards must not matter
  const saved = t.b.data.slice();
  t.b.data.fill(Number.NaN);
  addon.gemmPacked(t.a.data, t.a.off, t.a.s0, t.a.s1, packed, c, t.cOff, t.ldc, t.m, t.accumulate);
  t.b.data.set(saved);
}

/** Runs every case on a fresh copy of its C, returns the failures (empty when all match). */
function check(cases: Case[], packed: boolean): string[] {
  const failures: string[] = [];
  for (const t of cases) {
    const c = t.c0.slice();
    if (packed) runPacked(t, c);
    else runGemm(t, c);
    const why = mismatch(t, c);
    if (why !== null) failures.push(`m=${t.m} n=${t.n} k=${t.k} acc=${t.accumulate}: ${why}`);
  }
  return failures;
}

// Shapes around the register tiles (MR 8/6/4, NR 32/16/8), primes, one and several panels; the
// tiniest (m n k <= 256) take the plain loop when B is not packed.
const small = [
  [1, 1, 1],
  [1, 33, 7],
  [8, 32, 16],
  [9, 33, 17],
  [7, 17, 5],
  [6, 16, 1],
  [13, 47, 31],
  [32, 64, 29],
  [24, 31, 64],
  [3, 100, 2],
  [1, 70, 5],
];

// Every layout pair of A and B, both dtypes, with and without accumulation, packed and not.
const isas: ("auto" | GemmIsa)[] = ["auto", "avx512", "avx2", "scalar"];
afterAll(() => {
  addon.setGemmIsa("auto");
  addon.setNumThreads(0);
});

const dtypes: Dtype[] = ["f32", "f64"];
/** The same cases (and their references, computed once) for every instruction set. */
const smallCases = new Map<Dtype, Case[]>();
function everyLayoutPair(dtype: Dtype): Case[] {
  let cases = smallCases.get(dtype);
  if (cases === undefined) {
    cases = [];
    let seed = 1;
    for (const la of layouts)
      for (const lb of layouts)
        for (const shape of small) cases.push(makeCase(shape, la, lb, dtype, seed % 2 === 0, seed++));
    smallCases.set(dtype, cases);
  }
  return cases;
}

describe.each(isas)("gemm on %s", (isa) => {
  const supported = addon.setGemmIsa(isa);
  for (const dtype of dtypes)
    for (const packed of [false, true])
      it.skipIf(!supported)(`${dtype}, ${packed ? "packed B" : "unpacked"}: every layout pair`, () => {
        addon.setGemmIsa(isa);
        addon.setNumThreads(1);
        expect(check(everyLayoutPair(dtype), packed)).toEqual([]);
      });
});

// Past the cache blocks (KC 256, MC 96..256, NC 1024..4096) and big enough to run on two threads.
const large = [
  [300, 70, 520], // k over two KC blocks
  [600, 40, 33], // m over two MC blocks
  [2, 8300, 3], // n over two NC blocks
  [64, 64, 64],
  [130, 257, 129],
  [32, 1024, 256], // the LSTM products
  [1024, 256, 32],
  [32, 256, 1024],
];

// Each big shape twice: unpacked with one layout pair, packed with the pair swapped.
const pairs: [Layout, Layout][] = [
  ["row", "row"],
  ["col", "row"],
  ["row", "col"],
  ["strided", "flipped"],
];
const largeCases = new Map<Dtype, { unpacked: Case[]; packed: Case[] }>();
function blocked(dtype: Dtype) {
  let cases = largeCases.get(dtype);
  if (cases === undefined) {
    cases = { unpacked: [], packed: [] };
    let seed = 100;
    for (const shape of large) {
      const [la, lb] = pairs[seed % pairs.length]!;
      cases.unpacked.push(makeCase(shape, la, lb, dtype, seed % 3 === 0, seed++));
      cases.packed.push(makeCase(shape, lb, la, dtype, seed % 3 === 0, seed++));
    }
    largeCases.set(dtype, cases);
  }
  return cases;
}

describe.each(isas.filter((isa) => isa !== "auto"))("gemm on %s, blocked and threaded", (isa) => {
  const supported = addon.setGemmIsa(isa);
  for (const threads of [1, 2])
    for (const dtype of dtypes)
      it.skipIf(!supported)(`${dtype}, ${threads} thread(s), packed and not`, () => {
        addon.setGemmIsa(isa);
        addon.setNumThreads(threads);
        const { unpacked, packed } = blocked(dtype);
        expect([...check(unpacked, false), ...check(packed, true)]).toEqual([]);
      });
});
