// Helpers shared by this package's tests (not exported from the package).
import { gradients } from "@nablajs/autograd";
import { type DType, Generator, mul, ones, randn, sum, type Tensor } from "@nablajs/tensor";
import type { RecurrentForwardOptions } from "./layers/options.js";
import type { LayerResult, RecurrentLayer } from "./layers/recurrent.js";

/** A seeded standard-normal leaf that requires a gradient. */
export function leaf(shape: number[], dtype: DType, g: Generator): Tensor {
  const t = randn(shape, { dtype, generator: g });
  t.requiresGrad = true;
  return t;
}

/** A layer's result and the gradients of a weighted loss w.r.t. x, h0, (c0), then every parameter. */
export interface Differentiated extends LayerResult {
  grads: Tensor[];
}

/**
 * Runs `layer` on x and the initial state, then differentiates
 * loss = sum(output * wOut) + sum(h * wH) (+ sum(c * wC)) with weights seeded by `seed`.
 */
export function runAndDifferentiate(
  layer: RecurrentLayer,
  x: Tensor,
  h0: Tensor,
  c0: Tensor | null,
  opts: RecurrentForwardOptions,
  seed = 99,
): Differentiated {
  const forward = layer.forward.bind(layer) as (...a: unknown[]) => LayerResult;
  const r = forward(x, c0 ? { h: h0, c: c0 } : { h: h0 }, opts);
  const g = new Generator(seed);
  const weigh = (t: Tensor) => sum(mul(t, randn(t.shape.slice(), { dtype: t.dtype, generator: g })));
  let loss = weigh(r.output).add(weigh(r.h));
  if (r.c) loss = loss.add(weigh(r.c));
  const wrt = [x, h0, ...(c0 ? [c0] : []), ...layer.parameters()];
  const grads = gradients([loss], wrt, [ones([], { dtype: loss.dtype })]);
  return { output: r.output, h: r.h, c: r.c ?? null, grads };
}
