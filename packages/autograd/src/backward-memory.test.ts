import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { gradients } from "./index.js";

// Tensor bytes live in ArrayBuffers, outside the JS heap: process.memoryUsage().arrayBuffers
// after a forced collection (--expose-gc, see vitest.config.ts) counts what is still reachable.
const gc = (globalThis as { gc?: () => void }).gc;
const MB = 2 ** 20;

function arrayBuffers(): number {
  gc!();
  gc!();
  return process.memoryUsage().arrayBuffers;
}

/** sum(tanh(tanh(...tanh(x)))) with `depth` tanh; only the loss is returned, so only the graph holds the chain. */
function chain(x: Tensor, depth: number): Tensor {
  let y = x;
  for (let i = 0; i < depth; i++) y = T.tanh(y);
  return T.sum(y);
}

describe.runIf(gc !== undefined)("backward frees as it goes", () => {
  it("when the leaf's gradient arrives, the forward chain and the other gradients are gone", () => {
    const depth = 24;
    const x = T.randn([MB / 4], { generator: new T.Generator(7) }); // 1 MB of float32
    x.requiresGrad = true;
    const base = arrayBuffers();
    const loss = chain(x, depth);
    const afterForward = arrayBuffers();
    let atLeaf = Number.NaN;
    x.registerHook(() => {
      atLeaf = arrayBuffers();
    });
    loss.backward();
    // The probe does see tensors: the forward pass holds one 1 MB output per tanh.
    expect(afterForward - base).toBeGreaterThan(0.9 * depth * MB);
    // Kept until the end, the chain and its 24 gradients would be ~48 MB; freed, only x's
    // gradient and the last few tensors of the pass remain.
    const live = (atLeaf - base) / MB;
    expect(live, `${live.toFixed(1)} MB live at the leaf`).toBeLessThan(5);
  });

  it("gradients() still returns the gradient of an intermediate it was asked for", () => {
    const x = T.tensor([0.5, -1, 2], { dtype: "float64", requiresGrad: true });
    const h = T.tanh(x);
    const loss = T.sum(T.exp(h));
    const [gx, gh] = gradients([loss], [x, h], [T.ones([], { dtype: "float64" })]);
    assertAllClose(gh!, T.exp(T.detach(h))); // d sum(exp h) / dh = exp h
    assertAllClose(gx!, T.mul(T.exp(T.detach(h)), T.sub(1, T.square(T.detach(h)))));
  });
});
