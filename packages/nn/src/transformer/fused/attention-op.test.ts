// The fused attention op against the op-by-op reference on the backend under test (native,
// wasm or js: CI runs this file on each): outputs and the gradients of q, k and v, with no mask,
// float masks of every broadcast shape, key padding, causal (also with L != S), sizes that are
// not multiples of any block or vector width, and sequences longer than a block of keys.
import { gradcheck, gradgradcheck, jvp } from "@nablajs/autograd";
import { type DType, Generator, getBackend, rand, randn, Tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { attentionReference } from "../reference.js";
import { fusedAttention } from "./attention-op.js";

type Masking = "none" | "LS" | "padding" | "full" | "causal" | "causal+LS";

/** q, k, v [B, H, L|S, D|Dv] and cotangent, seeded. */
function operands(g: Generator, [B, H, L, S, D, Dv]: number[], dtype: DType) {
  const r = (shape: number[]) => Object.assign(randn(shape, { dtype, generator: g }), { requiresGrad: true });
  return {
    q: r([B!, H!, L!, D!]),
    k: r([B!, H!, S!, D!]),
    v: r([B!, H!, S!, Dv!]),
    cot: randn([B!, H!, L!, Dv!], { dtype, generator: g }),
  };
}

/** A mask of the given kind (additive float, -inf where forbidden), broadcastable to [B, H, L, S]. */
function makeMask(g: Generator, kind: Masking, [B, H, L, S]: number[], dtype: DType): Tensor | null {
  if (kind === "none" || kind === "causal") return null;
  if (kind === "LS" || kind === "causal+LS") return randn([L!, S!], { dtype, generator: g });
  const shape = kind === "padding" ? [B!, 1, 1, S!] : [B!, H!, L!, S!];
  // -inf on about a quarter of the entries, but never on key 0, so no row is fully masked.
  const u = rand(shape, { dtype, generator: g }).toTypedArray();
  const out = u.map((x, i) => (i % S! !== 0 && x < 0.25 ? Number.NEGATIVE_INFINITY : x - 0.5));
  return new Tensor(out, shape);
}

function compare(size: number[], masking: Masking, dtype: DType, seed: number): void {
  const g = new Generator(seed);
  const { q, k, v, cot } = operands(g, size, dtype);
  const mask = makeMask(g, masking, size, dtype);
  const causal = masking.startsWith("causal");
  const scale = 1 / Math.sqrt(size[4]!);
  const tol = dtype === "float64" ? { rtol: 1e-11, atol: 1e-12 } : { rtol: 2e-4, atol: 2e-5 };
  const want = attentionReference(q, k, v, mask, causal, scale).out;
  const got = fusedAttention(q, k, v, mask, { causal, scale });
  assertAllClose(got, want, tol);
  const grads = (out: Tensor) => {
    for (const t of [q, k, v]) t.grad = null;
    out.mul(cot).sum().backward();
    return [q, k, v].map((t) => t.grad!);
  };
  const [gw, gg] = [grads(want), grads(got)];
  for (const [i, d] of gg.entries()) assertAllClose(d, gw[i]!, tol);
}

// [B, H, L, S, D, Dv]
const sizes = [
  [1, 1, 1, 1, 1, 1],
  [2, 3, 5, 7, 3, 4],
  [1, 2, 9, 4, 17, 5],
  [2, 1, 33, 31, 8, 8],
];
const maskings: Masking[] = ["none", "LS", "padding", "full", "causal", "causal+LS"];

describe(`fused attention = op-by-op attention (${getBackend().name} backend)`, () => {
  for (const dtype of ["float64", "float32"] as const)
    for (const size of sizes)
      it(`${dtype} [B,H,L,S,D,Dv] = [${size}]: every mask`, () => {
        for (const [i, m] of maskings.entries()) compare(size, m, dtype, 10 * i + size[2]!);
      });
  it("sequences longer than a block of keys (L = 150, S = 200), causal and masked, float32 and float64", () => {
    for (const dtype of ["float32", "float64"] as const) {
      compare([1, 2, 150, 200, 16, 16], "causal+LS", dtype, 1);
      compare([2, 1, 130, 70, 24, 8], "padding", dtype, 2);
    }
  });
  it("large scores stay finite (logits of 1e3: the online softmax rescales)", () => {
    const g = new Generator(5);
    const { q, k, v } = operands(g, [1, 1, 6, 80, 4, 3], "float32");
    const out = fusedAttention(q, k, v, null, { causal: false, scale: 300 });
    expect(out.toTypedArray().every(Number.isFinite)).toBe(true);
    assertAllClose(out, attentionReference(q, k, v, null, false, 300).out, { rtol: 1e-4, atol: 1e-5 });
  });
  it("a row with every key masked gives NaN, as the reference (and PyTorch 1.13)", () => {
    const g = new Generator(6);
    const { q, k, v } = operands(g, [1, 1, 2, 3, 2, 2], "float64");
    const mask = new Tensor(Float64Array.of(0, 0, 0, -Infinity, -Infinity, -Infinity), [2, 3]);
    const out = fusedAttention(q, k, v, mask, { causal: false, scale: 1 }).toTypedArray();
    expect(Array.from(out.subarray(0, 2)).every(Number.isFinite)).toBe(true);
    expect(Array.from(out.subarray(2)).every(Number.isNaN)).toBe(true);
  });
});

describe("fused attention derivatives", () => {
  const g = new Generator(7);
  const { q, k, v } = operands(g, [1, 2, 3, 4, 2, 3], "float64");
  const mask = makeMask(g, "LS", [1, 2, 3, 4], "float64");
  const f = (a: Tensor, b: Tensor, c: Tensor) => fusedAttention(a, b, c, mask, { causal: true, scale: 0.7 });
  it("gradcheck: the fused backward against central differences", () => {
    gradcheck(f, [q.detach(), k.detach(), v.detach()]);
  });
  it("gradgradcheck: second derivatives through the reference path", () => {
    gradgradcheck(f, [q.detach(), k.detach(), v.detach()]);
  });
  it("forward mode gives the reference path's tangent", () => {
    const ts = [q, k, v].map((t) => randn(t.shape, { dtype: "float64", generator: g }));
    const xs: [Tensor, Tensor, Tensor] = [q.detach(), k.detach(), v.detach()];
    const [, got] = jvp(f, xs, ts);
    const [, want] = jvp((a, b, c) => attentionReference(a, b, c, mask, true, 0.7).out, xs, ts);
    assertAllClose(got, want, { rtol: 1e-12, atol: 1e-14 });
  });
  it("bad shapes throw naming all three", () => {
    expect(() => fusedAttention(q, k.narrow(3, 0, 1), v, null, { causal: false, scale: 1 })).toThrow(
      /fusedAttention: q \[B,H,L,D\], k \[B,H,S,D\], v \[B,H,S,Dv\] expected, got \[1,2,3,2\], \[1,2,4,1\], \[1,2,4,3\]/,
    );
  });
});
