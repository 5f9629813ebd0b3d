import { describe, expect, it } from "vitest";
import { BINARY, LAYOUT_CAPACITY, REDUCE, UNARY, writeLayout, writeReduceLayout } from "./elementwise.js";
import { loadNative } from "./index.js";

const k = loadNative().addon!;
const layout = new Int32Array(LAYOUT_CAPACITY);
const x = new Float32Array(6);
const view = (shape: number[], strides: number[], offset = 0) => ({ shape, strides, offset });

describe("the elementwise kernels refuse bad arguments with a TypeError", () => {
  it("views that would read outside their array", () => {
    const out = new Float32Array(6);
    const cases = [
      view([2, 3], [3, 1], 1), // one past the end
      view([2, 3], [4, 1]), // rows too far apart
      view([2, 3], [3, -1]), // a negative stride below 0
      view([7], [1]), // longer than the array
      view([2, 3], [3, 1], -1),
    ];
    for (const v of cases) {
      const size = v.shape.reduce((p, d) => p * d, 1);
      expect(() => k.unary(UNARY.exp, x, new Float32Array(size), writeLayout(layout, v.shape, [v]))).toThrow(
        /outside|reads elements/,
      );
    }
    expect(() =>
      k.binary(
        BINARY.add,
        x,
        new Float32Array(2),
        out,
        writeLayout(layout, [2, 3], [view([2, 3], [3, 1]), view([2, 3], [2, 1])]),
      ),
    ).toThrow(TypeError);
    expect(() =>
      k.reduce(
        REDUCE.sum,
        x,
        new Float32Array(2),
        writeReduceLayout(layout, [2, 4], view([2, 4], [4, 1]), [1]),
      ),
    ).toThrow(TypeError);
  });

  it("outputs of the wrong size or dtype, and dtypes an op does not take", () => {
    const l = writeLayout(layout, [6], [view([6], [1])]);
    expect(() => k.unary(UNARY.exp, x, new Float32Array(5), l)).toThrow(/out has 5 elements/);
    expect(() => k.unary(UNARY.exp, x, new Float64Array(6), l)).toThrow(/out must be float32/);
    expect(() => k.unary(UNARY.exp, new Int32Array(6), new Int32Array(6), l)).toThrow(
      /exp: not defined for int32/,
    );
    const l2 = writeLayout(layout, [6], [view([6], [1]), view([6], [1])]);
    expect(() => k.binary(BINARY.lt, x, x, new Float32Array(6), l2)).toThrow(/out must be int32/);
    expect(() => k.binary(BINARY.add, x, new Float64Array(6), new Float32Array(6), l2)).toThrow(
      /a is float32 but b is float64/,
    );
    expect(() => k.binary(BINARY.div, new Int32Array(6), new Int32Array(6), new Int32Array(6), l2)).toThrow(
      /div: not defined for int32/,
    );
    const r = writeReduceLayout(layout, [2, 3], view([2, 3], [3, 1]), [1]);
    expect(() => k.reduce(REDUCE.argmax, x, new Float32Array(2), r)).toThrow(/out must be int32/);
    expect(() => k.reduce(REDUCE.sum, x, new Float32Array(3), r)).toThrow(/out has 3 elements/);
  });

  it("unknown ops, malformed layouts and non-typed-array arguments", () => {
    const l = writeLayout(layout, [6], [view([6], [1])]);
    const out = new Float32Array(6);
    expect(() => k.unary(99, x, out, l)).toThrow(/unknown op 99/);
    expect(() => k.unary(UNARY.exp, x, out, new Int32Array([1, 0]))).toThrow(/needs 4 entries/);
    expect(() => k.unary(UNARY.exp, x, out, new Int32Array([-1]))).toThrow(/rank/);
    expect(() => k.unary(UNARY.exp, x, out, new Float32Array(l) as never)).toThrow(
      /layout must be an Int32Array/,
    );
    expect(() => k.unary(UNARY.exp, [1, 2] as never, out, l)).toThrow(/x must be a Float32Array/);
    expect(() => k.unary(UNARY.exp, new Uint8Array(6) as never, out, l)).toThrow(TypeError);
    expect(() => (k.unary as (...a: unknown[]) => void)(UNARY.exp, x)).toThrow(/expected 4 arguments/);
    expect(() => k.reduce(REDUCE.sum, x, new Float32Array(1), new Int32Array([1, 0b10, 0, 6, 1]))).toThrow(
      /axes mask/,
    );
    expect(() => k.setIsa("sse" as never)).toThrow(TypeError);
  });
});
