import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsBackend } from "../../tensor/src/backend/js/index.js";
import { UNARY } from "./elementwise.js";
import {
  ARRAYS,
  type DTypeName,
  isas,
  LAYOUTS,
  makeView,
  maxUlps,
  prng,
  values,
} from "./elementwise-testing.js";
import { elementwiseViews } from "./elementwise-views.js";
import { loadNative } from "./index.js";

const k = loadNative().addon!;
const ew = elementwiseViews(k);

type Op = keyof typeof UNARY;
const OPS = Object.keys(UNARY) as Op[];
const INT_OPS = new Set<Op>(["neg", "abs", "sign", "square", "relu"]);
const SHAPES = [[], [1], [7], [3, 37], [2, 3, 17], [0, 4], [4, 1, 65], [2, 1, 3, 1, 2, 5]];

// Largest ulp distance allowed from the JS backend. Its float32 exp/tanh/sigmoid are Cephes
// polynomials within 2 ulps; ours are within 1 ulp of the correctly rounded result. float64
// transcendentals: glibc's libm against V8's fdlibm port.
function tolerance(op: Op, dtype: DTypeName): number {
  const transcendental = ["exp", "log", "sin", "cos", "tanh", "sigmoid"].includes(op);
  if (!transcendental) return 0;
  // NOTE: V8's Math.tanh is up to 3 ulps off (elementwise-accuracy.test.ts); e / (1 + e)
  // carries exp's last-place difference twice.
  if (dtype === "float64") return op === "tanh" ? 3 : op === "sigmoid" ? 2 : 1;
  return op === "exp" || op === "tanh" || op === "sigmoid" ? 3 : 1;
}

// The JS backend's int32 square multiplies in double (inexact past 2^53); the kernels wrap, as
// int32 arithmetic in PyTorch does.
function reference(op: Op, x: ReturnType<typeof makeView>, out: Int32Array | Float32Array | Float64Array) {
  if (op === "square" && x.data instanceof Int32Array) {
    jsBackend.copy(x, out);
    for (let i = 0; i < out.length; i++) out[i] = Math.imul(out[i]!, out[i]!);
    return;
  }
  jsBackend.unary(op, x, out);
}

describe.each(isas(k))("unary on %s", (isa) => {
  beforeAll(() => {
    k.setElementwiseIsa(isa as "auto");
  });
  afterAll(() => {
    k.setElementwiseIsa("auto");
  });

  it.each(OPS)("%s agrees with the JS backend over every layout and dtype", (op) => {
    const rand = prng(op.length * 7919 + 1);
    for (const dtype of ["float32", "float64", "int32"] as const) {
      if (dtype === "int32" && !INT_OPS.has(op)) continue;
      for (const shape of SHAPES)
        for (const kind of LAYOUTS) {
          const x = makeView(shape, kind, (n) => values(rand, dtype, n));
          const size = shape.reduce((a, b) => a * b, 1);
          const out = new ARRAYS[dtype](size);
          const ref = new ARRAYS[dtype](size);
          ew.unary(op, x, out);
          reference(op, x, ref);
          const worst = maxUlps(out, ref, dtype);
          const where = `${op} ${dtype} ${kind} [${shape}] at ${worst.at}: x=${x.data[worst.at]}`;
          expect(worst.ulps, where).toBeLessThanOrEqual(tolerance(op, dtype));
        }
    }
  });

  it("keeps the sign of zero and NaN where the JS backend does", () => {
    const x = { data: new Float32Array([0, -0, NaN, -NaN]), shape: [4], strides: [1], offset: 0 };
    for (const op of ["neg", "relu", "abs", "sign", "sqrt", "tanh", "sin"] as const) {
      const out = new Float32Array(4);
      const ref = new Float32Array(4);
      ew.unary(op, x, out);
      jsBackend.unary(op, x, ref);
      for (let i = 0; i < 4; i++) expect(Object.is(out[i], ref[i]), `${op}(${x.data[i]})`).toBe(true);
    }
  });

  it("runs in place when out is x's own storage", () => {
    const data = new Float32Array([-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const want = Float32Array.from(data, (v) => Math.fround(Math.tanh(v)));
    ew.unary("tanh", { data, shape: [17], strides: [1], offset: 0 }, data);
    expect(maxUlps(data, want, "float32").ulps).toBeLessThanOrEqual(1);
  });
});
