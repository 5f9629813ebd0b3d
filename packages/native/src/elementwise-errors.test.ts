import { describe, expect, it } from "vitest";
import { axesMask, BINARY, LAYOUT_CAPACITY, REDUCE, UNARY, writeLayout } from "./elementwise.js";
import { loadNative } from "./index.js";

const k = loadNative().addon!;
const layout = new Int32Array(LAYOUT_CAPACITY);
const x = new Float32Array(6);
const view = (shape: number[], strides: number[], offset = 0, data: Float32Array | Int32Array = x) => ({
  data,
  shape,
  strides,
  offset,
});
const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
/** The layout buffer of a call, as writeLayout packs it. */
const lay = (...args: Parameters<typeof writeLayout> extends [Int32Array, ...infer R] ? R : never) => {
  writeLayout(layout, ...args);
  return layout.buffer;
};

describe("the elementwise kernels refuse bad arguments with a TypeError", () => {
  it("views that would read outside their typed array", () => {
    const cases = [
      view([2, 3], [3, 1], 1), // one past the end
      view([2, 3], [4, 1]), // rows too far apart
      view([2, 3], [3, -1]), // a negative stride below 0
      view([7], [1]), // longer than the array
      view([2, 3], [3, 1], -1),
      view([3], [1], 4, new Float32Array(new ArrayBuffer(64), 8, 6)), // inside the buffer, not the array
    ];
    for (const v of cases) {
      const out = new Float32Array(size(v.shape));
      const l = lay(v.shape, [v], out);
      expect(() => k.unary(UNARY.exp, v.data.buffer, out.buffer, l)).toThrow(
        /exp: x's view .* reads elements/,
      );
    }
    const [a, b, out] = [
      view([2, 3], [3, 1]),
      view([2, 3], [2, 1], 0, new Float32Array(2)),
      new Float32Array(6),
    ];
    expect(() => k.binary(BINARY.add, x.buffer, b.data.buffer, out.buffer, lay([2, 3], [a, b], out))).toThrow(
      /add: b's view/,
    );
    const r = view([2, 4], [4, 1]);
    const ro = new Float32Array(2);
    expect(() => k.reduce(REDUCE.sum, x.buffer, ro.buffer, lay([2, 4], [r], ro, axesMask([1])))).toThrow(
      TypeError,
    );
  });

  it("typed arrays described outside their buffers, unknown dtype codes, foreign arguments", () => {
    const out = new Float32Array(6);
    const l = lay([6], [view([6], [1])], out);
    const words = new Int32Array(l);
    words[4] = 7; // x's length: 7 floats do not fit in 24 bytes
    expect(() => k.unary(UNARY.exp, x.buffer, out.buffer, l)).toThrow(
      /x \(float32 elements 0..7\) lies outside/,
    );
    words[4] = 6;
    words[2] = 9; // x's dtype code
    expect(() => k.unary(UNARY.exp, x.buffer, out.buffer, l)).toThrow(/x has unknown dtype code 9/);
    words[2] = 1; // claims float64: 6 doubles do not fit
    expect(() => k.unary(UNARY.exp, x.buffer, out.buffer, l)).toThrow(/lies outside/);
    lay([6], [view([6], [1])], out);
    expect(() => k.unary(UNARY.exp, x as never, out.buffer, l)).toThrow(/argument 2 must be an ArrayBuffer/);
    expect(() => k.unary(UNARY.exp, new SharedArrayBuffer(24), out.buffer, l)).toThrow(
      /argument 2 must be an ArrayBuffer/,
    );
    expect(() => k.unary(UNARY.exp, x.buffer, out.buffer, layout as never)).toThrow(
      /argument 4 must be an ArrayBuffer/,
    );
    expect(() => (k.unary as (...a: unknown[]) => void)(UNARY.exp, x.buffer)).toThrow(/expected 4 arguments/);
    expect(() => k.unary(UNARY.exp, x.buffer, out.buffer, new ArrayBuffer(8))).toThrow(
      /rank-0 layout of 1 input\(s\) needs 9 words, got 2/,
    );
    expect(() => k.unary(UNARY.exp, x.buffer, out.buffer, new Int32Array([-1]).buffer)).toThrow(/rank/);
  });

  it("outputs of the wrong size or dtype, dtypes an op does not take, unknown ops and axes", () => {
    const call = (
      op: number,
      data: Float32Array | Int32Array | Float64Array,
      out: Float32Array | Int32Array | Float64Array,
    ) => k.unary(op, data.buffer, out.buffer, lay([6], [view([6], [1], 0, data as Float32Array)], out));
    expect(() => call(UNARY.exp, x, new Float32Array(5))).toThrow(/out has 5 elements/);
    expect(() => call(UNARY.exp, x, new Float64Array(6))).toThrow(/out must be float32/);
    expect(() => call(UNARY.exp, new Int32Array(6), new Int32Array(6))).toThrow(/exp: not defined for int32/);
    expect(() => call(99, x, new Float32Array(6))).toThrow(/unknown op 99/);
    const bin = (
      op: number,
      a: Float32Array | Int32Array,
      b: Float32Array | Float64Array | Int32Array,
      out: Float32Array | Int32Array,
    ) => {
      const l = lay([6], [view([6], [1], 0, a), view([6], [1], 0, b as Float32Array)], out);
      k.binary(op, a.buffer, b.buffer, out.buffer, l);
    };
    expect(() => bin(BINARY.lt, x, x, new Float32Array(6))).toThrow(/out must be int32/);
    expect(() => bin(BINARY.add, x, new Float64Array(6), new Float32Array(6))).toThrow(
      /a is float32 but b is float64/,
    );
    const i = new Int32Array(6);
    expect(() => bin(BINARY.div, i, i, new Int32Array(6))).toThrow(/div: not defined for int32/);
    const red = (op: number, out: Float32Array | Int32Array, mask: number) =>
      k.reduce(op, x.buffer, out.buffer, lay([2, 3], [view([2, 3], [3, 1])], out, mask));
    expect(() => red(REDUCE.argmax, new Float32Array(2), 2)).toThrow(/out must be int32/);
    expect(() => red(REDUCE.sum, new Float32Array(3), 2)).toThrow(/out has 3 elements/);
    expect(() => red(REDUCE.sum, new Float32Array(1), 0b100)).toThrow(/axes mask/);
    expect(() => k.setElementwiseIsa("sse" as never)).toThrow(TypeError);
    expect(k.setElementwiseIsa("scalar")).toBe(true);
    expect(k.elementwiseIsa()).toBe("scalar");
    k.setElementwiseIsa("auto");
    expect(["avx512", "avx2", "scalar"]).toContain(k.elementwiseIsa());
  });
});
