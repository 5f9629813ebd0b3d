import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsBackend } from "../../tensor/src/backend/js/index.js";
import { REDUCE } from "./elementwise.js";
import {
  ARRAYS,
  type DTypeName,
  expectClose,
  isas,
  LAYOUTS,
  makeView,
  prng,
  values,
} from "./elementwise-testing.js";
import { elementwiseViews, type KernelView } from "./elementwise-views.js";
import { loadNative } from "./index.js";

const k = loadNative().addon!;
const ew = elementwiseViews(k);

type Op = keyof typeof REDUCE;
const OPS = Object.keys(REDUCE) as Op[];

// Shapes with the axes reduced: rows, columns (a bias gradient), full, middle and mixed patterns.
const CASES: [number[], number[]][] = [
  [[5, 37], [1]],
  [[5, 37], [0]],
  [
    [5, 37],
    [0, 1],
  ],
  [[64, 65], [1]],
  [[64, 65], [0]],
  [[3, 4, 5], [0]],
  [[3, 4, 5], [1]],
  [[3, 4, 5], [2]],
  [
    [3, 4, 5],
    [0, 2],
  ],
  [
    [3, 4, 5],
    [0, 1],
  ],
  [
    [3, 4, 5],
    [1, 2],
  ],
  [
    [2, 3, 1, 40],
    [0, 1, 2, 3],
  ],
  [[1000], [0]],
  [[3, 600], [0]],
  [[], []],
  [[4, 1], [1]],
  [[0, 3], [1]],
];

// Exact for max/min/arg and int32 sums. Float sums differ from the JS backend's only by the order
// of additions: float32 sums accumulate in double (error up to len * 2^-53 * sum|x| before the
// final rounding), float64 sums are compensated (error about 2^-53 |sum| + len * 2^-104 sum|x|).
function check(op: Op, x: KernelView, axes: number[], dtype: DTypeName, what: string): void {
  const size = x.shape.reduce((p, d, i) => (axes.includes(i) ? p : p * d), 1);
  const outType = op === "argmax" || op === "argmin" ? "int32" : dtype;
  const out = new ARRAYS[outType](size);
  const ref = new ARRAYS[outType](size);
  ew.reduce(op, x, axes, out);
  jsBackend.reduce(op, x, axes, ref);
  if (op !== "sum" || dtype === "int32") {
    expectClose(out, ref, outType, 0, `${op} ${dtype} ${what}`);
    return;
  }
  const len = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const abs = new Float64Array(x.shape.reduce((p, d) => p * d, 1));
  jsBackend.copy(x, abs);
  for (let i = 0; i < abs.length; i++) abs[i] = Math.abs(abs[i]!);
  const absSum = new Float64Array(size);
  jsBackend.reduce("sum", { data: abs, shape: x.shape, strides: rowMajor(x.shape), offset: 0 }, axes, absSum);
  const eps = dtype === "float32" ? 2 ** -52 : 2 ** -100;
  for (let i = 0; i < size; i++) {
    const [o, r] = [out[i]!, ref[i]!];
    const tol = 2 * ulp(r, dtype) + len * eps * absSum[i]!;
    const ok = Number.isFinite(r)
      ? Math.abs(o - r) <= tol
      : Object.is(o, r) || (Number.isNaN(o) && Number.isNaN(r));
    if (!ok) throw new Error(`sum ${dtype} ${what}: element ${i} is ${o}, expected ${r} +- ${tol}`);
  }
}

// One unit in the last place of v in dtype.
function ulp(v: number, dtype: DTypeName): number {
  const e = Math.max(Math.floor(Math.log2(Math.abs(v) || 1e-300)), dtype === "float32" ? -126 : -1022);
  return 2 ** (e - (dtype === "float32" ? 23 : 52));
}

function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, m = 1; i >= 0; i--) {
    s[i] = m;
    m *= shape[i]!;
  }
  return s;
}

describe.each(isas(k))("reduce on %s", (isa) => {
  beforeAll(() => {
    k.setElementwiseIsa(isa as "auto");
  });
  afterAll(() => {
    k.setElementwiseIsa("auto");
  });

  it.each(OPS)("%s agrees with the JS backend over every axis pattern, layout and dtype", (op) => {
    const rand = prng(op.length * 104729 + op.charCodeAt(1));
    for (const dtype of ["float32", "float64", "int32"] as const)
      for (const [shape, axes] of CASES) {
        const empty = axes.some((a) => shape[a] === 0);
        if (empty && op !== "sum") continue;
        for (const kind of LAYOUTS) {
          // Mostly finite values (so sums mean something), with the specials now and then.
          const fill = (n: number) => (rand() < 0.3 ? values(rand, dtype, n) : finite(rand, dtype, n));
          check(op, makeView(shape, kind, fill), axes, dtype, `${kind} [${shape}] over [${axes}]`);
        }
      }
  });

  it("argmax/argmin take the first of equal extrema and the first NaN; max keeps the first zero", () => {
    const rows = [
      [1, 3, 3, 2],
      [-0, 0, -1, -1],
      [0, -0, 1, 1],
      [2, NaN, 5, NaN],
      [NaN, 1, 2, 3],
    ];
    for (const dtype of ["float32", "float64"] as const) {
      const x = { data: ARRAYS[dtype].from(rows.flat()), shape: [5, 4], strides: [4, 1], offset: 0 };
      for (const op of OPS) for (const axes of [[1], [0]]) check(op, x, axes, dtype, `ties over [${axes}]`);
    }
  });

  it("sums an empty axis to zeros and refuses max over one", () => {
    const x = { data: new Float32Array(0), shape: [3, 0], strides: [0, 1], offset: 0 };
    const out = new Float32Array(3).fill(7);
    ew.reduce("sum", x, [1], out);
    expect(Array.from(out)).toEqual([0, 0, 0]);
    expect(() => ew.reduce("max", x, [1], out)).toThrow(TypeError);
  });
});

function finite(rand: () => number, dtype: DTypeName, n: number) {
  const a = new ARRAYS[dtype](n);
  for (let i = 0; i < n; i++)
    a[i] = dtype === "int32" ? Math.floor((rand() - 0.5) * 2000) : (rand() - 0.5) * 100;
  return a;
}
