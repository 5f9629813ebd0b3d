// The fused ops around attention against their op-by-op references on the backend under test
// (native kernels, or the TypeScript loops on wasm and js): LayerNorm with and without its
// affine parameters, GELU in both forms, and self-attention on packed projections; values and
// first-order gradients, then second order and forward mode through the reference paths.
import { gradcheck, gradgradcheck, jvp } from "@nablajs/autograd";
import { type DType, Generator, getBackend, randn, type Tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { layerNorm } from "../../layers/layer-norm.js";
import { gelu, geluReference } from "../gelu.js";
import { causalMask } from "../mask.js";
import { attentionReference } from "../reference.js";
import { fusedLayerNorm } from "./layer-norm.js";
import { fusedSelfAttention } from "./self-attention.js";

const tolOf = (dtype: DType) =>
  dtype === "float64" ? { rtol: 1e-11, atol: 1e-12 } : { rtol: 2e-4, atol: 2e-5 };
const leaf = (t: Tensor) => Object.assign(t.detach(), { requiresGrad: true }) as Tensor;

/** Values and the gradients of sum(f(xs) * cot) agree between `got` and `want`. */
function agree(
  got: (...xs: Tensor[]) => Tensor,
  want: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  dtype: DType,
  seed: number,
) {
  const ins = xs.map(leaf);
  const cot = randn(want(...ins).shape, { dtype, generator: new Generator(seed) });
  const run = (f: (...xs: Tensor[]) => Tensor) => {
    for (const x of ins) x.grad = null;
    const y = f(...ins);
    y.mul(cot).sum().backward();
    return [y.detach(), ...ins.map((x) => x.grad!)];
  };
  const [a, b] = [run(got), run(want)];
  for (const [i, t] of a.entries()) assertAllClose(t, b[i]!, tolOf(dtype));
}

describe(`fused LayerNorm = layerNorm (${getBackend().name} backend)`, () => {
  for (const dtype of ["float64", "float32"] as const)
    it(`${dtype}: with and without weight and bias, odd widths, a transposed input`, () => {
      const g = new Generator(1);
      const r = (shape: number[]) => randn(shape, { dtype, generator: g });
      for (const [shape, n] of [
        [[5, 7], 7],
        [[2, 3, 129], 129],
        [[1, 1], 1],
      ] as const) {
        const x = r([...shape])
          .mul(3)
          .add(1);
        const [w, b] = [r([n]), r([n])];
        agree(
          (a, c, d) => fusedLayerNorm(a!, c!, d!, 1e-5),
          (a, c, d) => layerNorm(a!, [n], c!, d!, 1e-5),
          [x, w, b],
          dtype,
          2,
        );
        agree(
          (a) => fusedLayerNorm(a!, null, null, 1e-3),
          (a) => layerNorm(a!, [n], null, null, 1e-3),
          [x],
          dtype,
          3,
        );
        agree(
          (a, c) => fusedLayerNorm(a!, c!, null, 1e-5),
          (a, c) => layerNorm(a!, [n], c!, null, 1e-5),
          [x, w],
          dtype,
          4,
        );
      }
      const xt = r([6, 4]).transpose();
      const w = r([6]);
      agree(
        (a, c) => fusedLayerNorm(a!, c!, null, 1e-5),
        (a, c) => layerNorm(a!, [6], c!, null, 1e-5),
        [xt, w],
        dtype,
        5,
      );
    });
  it("second derivatives and forward mode through the composite", () => {
    const g = new Generator(6);
    const [x, w, b] = [
      randn([3, 4], { dtype: "float64", generator: g }),
      randn([4], { dtype: "float64", generator: g }),
      randn([4], { dtype: "float64", generator: g }),
    ];
    const f = (a: Tensor, c: Tensor, d: Tensor) => fusedLayerNorm(a, c, d, 1e-5);
    gradcheck(f, [x, w, b]);
    gradgradcheck(f, [x, w, b]);
    const ts = [x, w, b].map((t) => randn(t.shape, { dtype: "float64", generator: g }));
    const [, got] = jvp(f, [x, w, b], ts);
    const [, want] = jvp((a: Tensor, c: Tensor, d: Tensor) => layerNorm(a, [4], c, d, 1e-5), [x, w, b], ts);
    assertAllClose(got, want, { rtol: 1e-12, atol: 1e-13 });
  });
});

describe(`fused GELU = its formula in tensor ops (${getBackend().name} backend)`, () => {
  for (const dtype of ["float64", "float32"] as const)
    for (const form of ["none", "tanh"] as const)
      it(`${dtype}, ${form}: values and gradients, including a tail shorter than a vector`, () => {
        const x = randn([3, 37], { dtype, generator: new Generator(7) }).mul(3);
        agree(
          (a) => gelu(a!, form),
          (a) => geluReference(a!, form),
          [x],
          dtype,
          8,
        );
      });
  it("second derivatives through the reference", () => {
    const x = randn([5], { dtype: "float64", generator: new Generator(9) });
    for (const form of ["none", "tanh"] as const) gradgradcheck((a) => gelu(a, form), [x]);
  });
});

describe(`fused self-attention on packed q, k, v (${getBackend().name} backend)`, () => {
  const reference = (qkv: Tensor, H: number, mask: Tensor | null, causal: boolean, scale: number) => {
    const [B, L, E3] = qkv.shape as [number, number, number];
    const E = E3 / 3;
    const part = (i: number) =>
      qkv
        .narrow(2, i * E, E)
        .reshape([B, L, H, E / H])
        .transpose([0, 2, 1, 3]);
    return attentionReference(part(0), part(1), part(2), mask, causal, scale)
      .out.transpose([0, 2, 1, 3])
      .reshape([B, L, E]);
  };
  for (const dtype of ["float64", "float32"] as const)
    it(`${dtype}: 1, 2 and 3 heads, causal, masked, a strided input`, () => {
      const g = new Generator(10);
      for (const [B, L, E, H] of [
        [2, 5, 6, 3],
        [1, 70, 8, 2],
        [3, 1, 4, 1],
      ] as const) {
        const qkv = randn([B, L, 3 * E], { dtype, generator: g });
        const mask = randn([L, L], { dtype, generator: g });
        for (const [m, causal] of [
          [null, true],
          [mask, false],
          [causalMask(L, L, dtype), false],
        ] as const)
          agree(
            (x) => fusedSelfAttention(x!, H, m, { causal, scale: 0.4 }),
            (x) => reference(x!, H, m, causal, 0.4),
            [qkv],
            dtype,
            11,
          );
      }
      const strided = randn([4, 2, 12], { dtype, generator: g }).transpose([1, 0, 2]); // [B=2, L=4, 3E=12]
      agree(
        (x) => fusedSelfAttention(x!, 2, null, { causal: true, scale: 0.5 }),
        (x) => reference(x!, 2, null, true, 0.5),
        [strided],
        dtype,
        12,
      );
    });
  it("gradcheck, gradgradcheck and forward mode; bad shapes throw", () => {
    const x = randn([1, 3, 12], { dtype: "float64", generator: new Generator(13) });
    const f = (t: Tensor) => fusedSelfAttention(t, 2, null, { causal: true, scale: 0.5 });
    gradcheck(f, [x]);
    gradgradcheck(f, [x]);
    const u = randn([1, 3, 12], { dtype: "float64", generator: new Generator(14) });
    assertAllClose(jvp(f, [x], [u])[1], jvp((t: Tensor) => reference(t, 2, null, true, 0.5), [x], [u])[1], {
      rtol: 1e-12,
      atol: 1e-13,
    });
    expect(() => fusedSelfAttention(x.narrow(2, 0, 10), 2, null, { causal: false, scale: 1 })).toThrow(
      /qkv must be \[B, L, 3 E\] with E divisible by 2 heads, got \[1,3,10\]/,
    );
  });
});
