import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without types
import { compileKernels, render } from "../../../scripts/build-wasm.mjs";
import { randn } from "../../create.js";
import { allocate } from "../../dtype.js";
import { transpose } from "../../ops/view.js";
import { Generator } from "../../random.js";
import { Tensor } from "../../tensor.js";
import { jsBackend } from "../js/index.js";
import { createWasmBackend } from "./index.js";

const wasm = createWasmBackend();

function product(backend: typeof jsBackend, a: Tensor, b: Tensor): Float32Array {
  const out = allocate("float32", a.shape[0]! * b.shape[1]!) as Float32Array;
  backend.matmul(a, b, out);
  return out;
}

describe("WebAssembly SIMD backend", () => {
  it("validates on Node 20", () => {
    expect(wasm).not.toBeNull();
    expect(wasm!.name).toBe("wasm");
  });

  const g = new Generator(3);
  const shapes = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [5, 9, 13],
    [17, 33, 31],
    [32, 64, 96],
    [9, 600, 17],
  ] as const;
  for (const [m, k, n] of shapes) {
    it(`matches the TypeScript kernel for ${m}x${k} @ ${k}x${n} in every operand layout`, () => {
      const layouts: [string, Tensor, Tensor][] = [
        ["NN", randn([m, k], { generator: g }), randn([k, n], { generator: g })],
        ["NT", randn([m, k], { generator: g }), transpose(randn([n, k], { generator: g }))],
        ["TN", transpose(randn([k, m], { generator: g })), randn([k, n], { generator: g })],
        ["TT", transpose(randn([k, m], { generator: g })), transpose(randn([n, k], { generator: g }))],
      ];
      for (const [name, a, b] of layouts) {
        const want = product(jsBackend, a, b);
        const prepared = wasm!.prepare!(b) as Tensor;
        for (const [how, got] of [
          ["strided", product(wasm!, a, b)],
          ["prepared", product(wasm!, a, prepared)],
          ["prepared again (resident)", product(wasm!, a, prepared)],
        ] as const) {
          let worst = 0;
          for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i]! - got[i]!));
          expect(worst, `${name}, ${how}: worst difference`).toBeLessThan(1e-4 * Math.sqrt(k));
        }
      }
    });
  }

  it("keeps a prepared operand resident across elementwise kernels in between", () => {
    const a = randn([8, 40], { generator: g });
    const b = randn([40, 24], { generator: g });
    const want = product(jsBackend, a, b);
    const prepared = wasm!.prepare!(b) as Tensor;
    product(wasm!, a, prepared);
    const big = randn([5000], { generator: g });
    wasm!.unary("tanh", big, new Float32Array(5000)); // uses the scratch memory in between
    const got = product(wasm!, a, prepared);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4);
  });

  it("computes float32 exp, sigmoid and tanh within a few ulps, edges included", () => {
    const xs = [0, 1e-8, -1e-8, 0.3, -0.625, 0.625, 1, -3, 9.9, 20, -20, 88, -87, -90, 100, -100];
    // The ends of float32's range: the largest finite results and the subnormal ones.
    xs.push(88.3, 88.5, 88.72, 88.7228, -87.5, -88, -95, -103, -103.9);
    for (let i = 0; i < 4000; i++) xs.push((g.random() - 0.5) * (i % 2 ? 24 : 170));
    xs.push(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    const x = new Tensor(Float32Array.from(xs), [xs.length]);
    const refs: Record<string, (v: number) => number> = {
      exp: Math.exp,
      sigmoid: (v) => 1 / (1 + Math.exp(-v)),
      tanh: Math.tanh,
    };
    for (const [op, ref] of Object.entries(refs)) {
      const out = new Float32Array(xs.length);
      wasm!.unary(op as "exp", x, out);
      xs.forEach((v, i) => {
        const want = Math.fround(ref(Math.fround(v)));
        const got = out[i]!;
        if (Number.isNaN(want)) expect(got, `${op}(${v})`).toBeNaN();
        else if (!Number.isFinite(want)) expect(got, `${op}(${v})`).toBe(want);
        else if (Math.abs(want) < 1.2e-38)
          expect(Math.abs(got - want), `${op}(${v})`).toBeLessThan(want * 1e-3 + 3e-45);
        else expect(Math.abs(got - want) / Math.abs(want), `${op}(${v})`).toBeLessThan(5e-7);
      });
    }
  });

  it("ships kernels that match a fresh compile of asm/*.ts", async () => {
    const file = fileURLToPath(new URL("./kernels.generated.ts", import.meta.url));
    expect(readFileSync(file, "utf8")).toBe(render(await compileKernels()));
  }, 60_000);
});
