// The WebAssembly attention kernel against the same attention written with tensor ops (matmul,
// softmax, backward) on the TypeScript backend, whatever backend the suite runs: odd sizes (the
// padding of rows to 4, keys to 8, features to 4), several blocks of keys, causal with L != S,
// masks broadcast over heads, batch, rows or keys, and a mask that differs per head.
import { describe, expect, it } from "vitest";
import { assertAllClose } from "../../../../../tooling/testing/src/index.js";
import { randn } from "../../create.js";
import { matmul, mT } from "../../ops/matmul.js";
import { softmax } from "../../ops/reduce.js";
import { Generator } from "../../random.js";
import { Tensor } from "../../tensor.js";
import { type AttentionMask, type AttentionProblem, getBackend, setBackend } from "../backend.js";
import { jsBackend } from "../js/index.js";
import { createWasmBackend } from "./index.js";

const wasm = createWasmBackend()!;

/** [B, H, L, S] mask strides of a mask stored with shape `own` (size-1 axes broadcast). */
function maskOf(g: Generator, own: number[]): { view: AttentionMask; dense: Tensor } {
  const t = randn(own, { generator: g });
  const data = t.toTypedArray().map((x, i) => (i % own[3]! !== 0 && x > 0.8 ? Number.NEGATIVE_INFINITY : x));
  const strides = [own[1]! * own[2]! * own[3]!, own[2]! * own[3]!, own[3]!, 1].map((s, d) =>
    own[d] === 1 ? 0 : s,
  );
  return {
    view: { data, offset: 0, strides: strides as [number, number, number, number] },
    dense: new Tensor(data, own),
  };
}

function check(p: AttentionProblem, maskShape: number[] | null, seed: number): void {
  const g = new Generator(seed);
  const { B, H, L, S, D, Dv } = p;
  const r = (shape: number[]) => Object.assign(randn(shape, { generator: g }), { requiresGrad: true });
  const [q, k, v] = [r([B, H, L, D]), r([B, H, S, D]), r([B, H, S, Dv])];
  const dout = randn([B, H, L, Dv], { generator: g });
  const mask = maskShape === null ? null : maskOf(g, maskShape);
  const before = getBackend();
  setBackend(jsBackend);
  let scores = matmul(q, mT(k)).mul(p.scale);
  if (mask) scores = scores.add(mask.dense);
  if (p.causal) {
    const c = new Float32Array(L * S).map((_, i) =>
      i % S > Math.floor(i / S) ? Number.NEGATIVE_INFINITY : 0,
    );
    scores = scores.add(new Tensor(c, [L, S]));
  }
  const want = matmul(softmax(scores, -1), v);
  want.mul(dout).sum().backward();
  setBackend(before);
  const at = wasm.attention!;
  expect(at.supports(p)).toBe(true);
  const data = (t: Tensor) => t.detach().toTypedArray();
  const f = at.forward(p, data(q), data(k), data(v), mask?.view ?? null);
  const tol = { rtol: 2e-4, atol: 2e-5 };
  assertAllClose(new Tensor(f.out, want.shape), want.detach(), tol);
  const b = at.backward(p, data(q), data(k), data(v), mask?.view ?? null, f.out, f.lse, dout.toTypedArray());
  assertAllClose(new Tensor(b.dq, q.shape), q.grad!, tol);
  assertAllClose(new Tensor(b.dk, k.shape), k.grad!, tol);
  assertAllClose(new Tensor(b.dv, v.shape), v.grad!, tol);
}

const problem = (
  B: number,
  H: number,
  L: number,
  S: number,
  D: number,
  Dv: number,
  causal: boolean,
): AttentionProblem => ({
  B,
  H,
  L,
  S,
  D,
  Dv,
  scale: 1 / Math.sqrt(D),
  causal,
  dtype: "float32",
});

describe("WebAssembly attention = attention by tensor ops", () => {
  it("odd sizes, every mask broadcast, causal", () => {
    check(problem(1, 1, 1, 1, 1, 1, false), null, 1);
    check(problem(2, 3, 5, 7, 3, 5, false), [1, 1, 5, 7], 2);
    check(problem(2, 2, 6, 9, 6, 2, true), [2, 1, 1, 9], 3);
    check(problem(1, 3, 7, 4, 5, 7, true), [1, 3, 7, 4], 4);
    check(problem(2, 2, 3, 5, 4, 4, false), [2, 2, 1, 5], 5);
  });
  it("several blocks of keys (S = 150), causal with L < S and L > S", () => {
    check(problem(1, 2, 70, 150, 8, 8, true), [1, 1, 70, 150], 6);
    check(problem(1, 1, 130, 66, 16, 12, true), null, 7);
  });
  it("float64 is left to the TypeScript kernel", () => {
    expect(wasm.attention!.supports({ ...problem(1, 1, 1, 1, 1, 1, false), dtype: "float64" })).toBe(false);
  });
});
