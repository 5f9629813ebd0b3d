import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { noGrad } from "./index.js";

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Memory in use after a full collection (when --expose-gc is on; see vitest.config.ts): the JS
 * heap, and the ArrayBuffers outside it, where tensor bytes live.
 */
function usage(): { heap: number; buffers: number } {
  gc?.();
  gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, buffers: arrayBuffers };
}

/** A 2-layer MLP on a fixed batch, trained by a hand-written in-place SGD step; memory sampled along the way. */
function train(steps: number, sampleEvery: number) {
  const g = new T.Generator(2024);
  const X = T.randn([8, 4], { generator: g });
  const Y = T.randn([8, 1], { generator: g });
  const params = [
    T.randn([4, 16], { generator: g }).mul(0.5),
    T.zeros([16]),
    T.randn([16, 1], { generator: g }).mul(0.25),
    T.zeros([1]),
  ];
  for (const p of params) p.requiresGrad = true;
  const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  const losses: number[] = [];
  const samples: { heap: number; buffers: number }[] = [];
  for (let step = 1; step <= steps; step++) {
    const h = T.tanh(T.add(T.matmul(X, w1), b1));
    const loss = T.mean(T.square(T.sub(T.add(T.matmul(h, w2), b2), Y)));
    for (const p of params) p.grad = null;
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        const grad = p.grad!.toTypedArray();
        for (let i = 0; i < grad.length; i++) p.data[i]! -= 0.05 * grad[i]!;
      }
    });
    if (step === 1 || step === steps) losses.push(loss.item());
    if (step % sampleEvery === 0) samples.push(usage());
  }
  return { losses, samples, params };
}

describe("memory", () => {
  it("the ArrayBuffer probe sees tensor bytes: a 4 MB tensor held shows up", () => {
    const before = usage().buffers;
    const held = T.zeros([2 ** 20]);
    expect(usage().buffers - before).toBeGreaterThanOrEqual(4 * 2 ** 20);
    expect(held.size).toBe(2 ** 20);
  });

  it("20,000 training steps keep the heap and the ArrayBuffers flat: no graph survives a step", () => {
    const { losses, samples, params } = train(20_000, 2_000);
    // The loop really trains (the loss falls), and the parameters' gradients carry no graph.
    expect(losses[1]!).toBeLessThan(losses[0]! / 10);
    for (const p of params) expect(p.grad?.gradFn).toBeNull();
    // A graph kept alive through .grad or a closure holds tens of tensors per step: over 18,000
    // steps that is tens of megabytes, on the heap (the Tensor objects) and in ArrayBuffers (their
    // bytes; [8,16] activations are 512 B each). Allow 4 MB (16 MB without a forced GC) for noise.
    const margin = gc ? 4e6 : 16e6;
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    for (const key of ["heap", "buffers"] as const) {
      const growth = last[key] - first[key];
      expect(
        growth,
        `${key} grew by ${(growth / 1e6).toFixed(2)} MB between step 2,000 and 20,000`,
      ).toBeLessThan(margin);
    }
  }, 60_000);
});
