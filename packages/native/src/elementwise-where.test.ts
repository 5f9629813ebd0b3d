import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsBackend } from "../../tensor/src/backend/js/index.js";
import { ARRAYS, expectClose, isas, LAYOUTS, makeView, prng, values } from "./elementwise-testing.js";
import { elementwiseViews } from "./elementwise-views.js";
import { loadNative } from "./index.js";

const k = loadNative().addon!;
const ew = elementwiseViews(k);
const DTYPES = ["float32", "float64", "int32"] as const;
const SHAPES = [[], [7], [3, 37], [2, 3, 17], [0, 4]];

describe.each(isas(k))("where and copy on %s", (isa) => {
  beforeAll(() => {
    k.setElementwiseIsa(isa as "auto");
  });
  afterAll(() => {
    k.setElementwiseIsa("auto");
  });

  it("where agrees with the JS backend for every condition and value dtype and layout", () => {
    const rand = prng(11);
    for (const ct of DTYPES)
      for (const vt of DTYPES)
        for (const shape of SHAPES)
          for (const kind of LAYOUTS) {
            // Conditions: mostly 0 and 1 (as comparisons write), with -0, NaN and others.
            const cond = makeView(shape, kind, (n) => {
              const c = values(rand, ct, n);
              for (let i = 0; i < n; i++) if (rand() < 0.7) c[i] = rand() < 0.5 ? 0 : 1;
              return c;
            });
            const a = makeView(shape, "strided", (n) => values(rand, vt, n));
            const b = makeView(shape, "broadcast", (n) => values(rand, vt, n));
            const size = shape.reduce((p, d) => p * d, 1);
            const [out, ref] = [new ARRAYS[vt](size), new ARRAYS[vt](size)];
            ew.where(cond, a, b, out);
            jsBackend.where(cond, a, b, ref);
            expectClose(out, ref, vt, 0, `where ${ct}/${vt} ${kind} [${shape}]`);
          }
  });

  it("copy agrees with the JS backend between every pair of dtypes (int32 stores truncate and wrap)", () => {
    const rand = prng(12);
    for (const from of DTYPES)
      for (const to of DTYPES)
        for (const shape of SHAPES)
          for (const kind of LAYOUTS) {
            const x = makeView(shape, kind, (n) => values(rand, from, n));
            const size = shape.reduce((p, d) => p * d, 1);
            const [out, ref] = [new ARRAYS[to](size), new ARRAYS[to](size)];
            ew.copy(x, out);
            jsBackend.copy(x, ref);
            expectClose(out, ref, to, 0, `copy ${from}->${to} ${kind} [${shape}]`);
          }
  });

  it("where with a scalar on either side (relu's backward: where(x <= 0, 0, g))", () => {
    const rand = prng(13);
    for (const vt of DTYPES) {
      const n = 300;
      const cond = { data: values(rand, "int32", n).map((v) => v & 1), shape: [n], strides: [1], offset: 0 };
      const g = { data: values(rand, vt, n), shape: [n], strides: [1], offset: 0 };
      const zero = { data: new ARRAYS[vt](1), shape: [n], strides: [0], offset: 0 };
      for (const [a, b] of [
        [zero, g],
        [g, zero],
        [zero, zero],
      ]) {
        const [out, ref] = [new ARRAYS[vt](n), new ARRAYS[vt](n)];
        ew.where(cond, a!, b!, out);
        jsBackend.where(cond, a!, b!, ref);
        expectClose(out, ref, vt, 0, `where ${vt} scalar`);
      }
    }
  });

  it("where picks a for NaN conditions and b for -0", () => {
    const c = { data: new Float64Array([NaN, -0, 0, 2]), shape: [4], strides: [1], offset: 0 };
    const a = { data: new Float32Array([1, 1, 1, 1]), shape: [4], strides: [1], offset: 0 };
    const b = { data: new Float32Array([2, 2, 2, 2]), shape: [4], strides: [1], offset: 0 };
    const out = new Float32Array(4);
    ew.where(c, a, b, out);
    expect(Array.from(out)).toEqual([1, 2, 2, 1]);
  });
});
