import { describe, expect, it } from "vitest";
import { jsBackend } from "../../tensor/src/backend/js/index.js";
import { ARRAYS, expectClose, makeView, prng, values } from "./elementwise-testing.js";
import { elementwiseViews } from "./elementwise-views.js";
import { loadNative } from "./index.js";

const k = loadNative().addon!;
const ew = elementwiseViews(k);

// Arrays of 64K elements and more are split over the thread pool in ranges that end inside rows:
// every layout must still agree with the JS backend element for element.
describe("large arrays, split over the thread pool", () => {
  const rand = prng(2024);
  const shape = [389, 517];
  const size = 389 * 517;

  it("unary, binary, where and copy over every layout", () => {
    for (const kind of ["contiguous", "transposed", "strided", "broadcast", "reversed"] as const) {
      const x = makeView(shape, kind, (n) => values(rand, "float32", n));
      const y = makeView(shape, "transposed", (n) => values(rand, "float32", n));
      const [out, ref] = [new Float32Array(size), new Float32Array(size)];
      ew.unary("sin", x, out);
      jsBackend.unary("sin", x, ref);
      expectClose(out, ref, "float32", 1, `sin ${kind}`);
      ew.binary("mul", x, y, out);
      jsBackend.binary("mul", x, y, ref);
      expectClose(out, ref, "float32", 0, `mul ${kind}`);
      const c = makeView(shape, kind, (n) => values(rand, "int32", n));
      ew.where(c, x, y, out);
      jsBackend.where(c, x, y, ref);
      expectClose(out, ref, "float32", 0, `where ${kind}`);
      const [o64, r64] = [new Float64Array(size), new Float64Array(size)];
      ew.copy(x, o64);
      jsBackend.copy(x, r64);
      expectClose(o64, r64, "float64", 0, `copy ${kind}`);
    }
  });

  it("reductions over many rows and over wide columns", () => {
    for (const [shp, axes] of [
      [[4096, 20], [1]],
      [[300, 1024], [0]],
      [[4, 300, 96], [1]],
    ] as [number[], number[]][]) {
      for (const dtype of ["float32", "float64", "int32"] as const) {
        const x = makeView(shp, "contiguous", (n) => values(rand, dtype, n));
        const n = shp.reduce((p, d, i) => (axes.includes(i) ? p : p * d), 1);
        for (const op of ["max", "argmin"] as const) {
          const t = op === "argmin" ? "int32" : dtype;
          const [out, ref] = [new ARRAYS[t](n), new ARRAYS[t](n)];
          ew.reduce(op, x, axes, out);
          jsBackend.reduce(op, x, axes, ref);
          expectClose(out, ref, t, 0, `${op} ${dtype} [${shp}] over [${axes}]`);
        }
        if (dtype !== "int32") continue;
        const [out, ref] = [new Int32Array(n), new Int32Array(n)];
        ew.reduce("sum", x, axes, out);
        jsBackend.reduce("sum", x, axes, ref);
        expect(Array.from(out)).toEqual(Array.from(ref));
      }
    }
  });
});
