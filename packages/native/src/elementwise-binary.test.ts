import { afterAll, beforeAll, describe, it } from "vitest";
import { jsBackend } from "../../tensor/src/backend/js/index.js";
import { BINARY, type KernelArray } from "./elementwise.js";
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

type Op = keyof typeof BINARY;
const OPS = Object.keys(BINARY) as Op[];
const COMPARISONS = new Set<Op>(["eq", "ne", "gt", "ge", "lt", "le"]);
const INT_OPS = new Set<Op>(["add", "sub", "mul", "maximum", "minimum", ...COMPARISONS]);
const SHAPES = [[], [1], [9], [3, 37], [2, 3, 17], [0, 4], [4, 1, 65]];

// The JS backend's int32 mul multiplies in double (inexact past 2^53); the kernels wrap.
function reference(op: Op, a: KernelView, b: KernelView, out: KernelArray): void {
  if (op === "mul" && a.data instanceof Int32Array) {
    const [x, y] = [new Int32Array(out.length), new Int32Array(out.length)];
    jsBackend.copy(a, x);
    jsBackend.copy(b, y);
    for (let i = 0; i < out.length; i++) out[i] = Math.imul(x[i]!, y[i]!);
    return;
  }
  jsBackend.binary(op, a, b, out);
}

function check(op: Op, dtype: DTypeName, a: KernelView, b: KernelView, what: string): void {
  const size = a.shape.reduce((p, d) => p * d, 1);
  const outType = COMPARISONS.has(op) ? "int32" : dtype;
  const out = new ARRAYS[outType](size);
  const ref = new ARRAYS[outType](size);
  ew.binary(op, a, b, out);
  reference(op, a, b, ref);
  // pow: glibc's against V8's (both within 1 ulp of the exact power).
  expectClose(out, ref, outType, op === "pow" ? 1 : 0, `${op} ${dtype} ${what}`);
}

describe.each(isas(k))("binary on %s", (isa) => {
  beforeAll(() => {
    k.setElementwiseIsa(isa as "auto");
  });
  afterAll(() => {
    k.setElementwiseIsa("auto");
  });

  it.each(OPS)("%s agrees with the JS backend over every pair of layouts and dtype", (op) => {
    const rand = prng(op.charCodeAt(0) * 31 + op.length);
    for (const dtype of ["float32", "float64", "int32"] as const) {
      if (dtype === "int32" && !INT_OPS.has(op)) continue;
      const fill = (n: number) => values(rand, dtype, n);
      for (const shape of SHAPES)
        for (const ka of LAYOUTS)
          for (const kb of ["contiguous", "strided", "broadcast", "transposed"] as const) {
            check(op, dtype, makeView(shape, ka, fill), makeView(shape, kb, fill), `${ka}/${kb} [${shape}]`);
          }
      // A bias row over a batch, a scalar on either side, equal operands (NaN == NaN is false).
      const x = makeView([32, 256], "contiguous", fill);
      const bias = { ...makeView([256], "contiguous", fill), shape: [32, 256], strides: [0, 1] };
      const scalar = { data: fill(1), shape: [32, 256], strides: [0, 0], offset: 0 };
      check(op, dtype, x, bias, "[32,256] + [256]");
      check(op, dtype, bias, x, "[256] + [32,256]");
      check(op, dtype, x, scalar, "tensor, scalar");
      check(op, dtype, scalar, x, "scalar, tensor");
      check(op, dtype, x, x, "x, x");
    }
  });

  it("pow follows JavaScript's special cases", () => {
    const base = [1, -1, 1, NaN, 0, -0, -8, 2, Infinity, -Infinity, 0.5, -2];
    const expo = [NaN, Infinity, -Infinity, 0, -1, -1, 1 / 3, 2, -0.5, 3, -Infinity, 0.5];
    for (const dtype of ["float32", "float64"] as const) {
      const a = { data: ARRAYS[dtype].from(base), shape: [12], strides: [1], offset: 0 };
      const b = { data: ARRAYS[dtype].from(expo), shape: [12], strides: [1], offset: 0 };
      check("pow", dtype, a, b, "special cases");
      // Scalar exponents, some of which are computed as one multiply or divide.
      const x = {
        data: ARRAYS[dtype].from([...base, 3, -3, 1e-30, 1e30]),
        shape: [16],
        strides: [1],
        offset: 0,
      };
      for (const e of [2, -1, 0, 1, 0.5, 3, -2, NaN]) {
        const s = { data: ARRAYS[dtype].from([e]), shape: [16], strides: [0], offset: 0 };
        check("pow", dtype, x, s, `x ** ${e}`);
      }
    }
  });
});
