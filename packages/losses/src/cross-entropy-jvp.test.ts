// crossEntropy's tangent rule (forward mode): the fused op against the composite from logSoftmax,
// against central differences, and inside forward-over-reverse Hessians.
import { grad, hessian, jacrev, jvp } from "@nablajs/autograd";
import {
  add,
  Generator,
  logSoftmax,
  mul,
  neg,
  randint,
  randn,
  sub,
  sum,
  type Tensor,
  tensor,
} from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, it } from "vitest";
import { type CrossEntropyOptions, crossEntropy } from "./cross-entropy.js";

const f64 = { dtype: "float64" as const };

/** Cross-entropy composed from logSoftmax (PyTorch's definition), whose ops have their own tangent rules. */
function composite(x: Tensor, y: Tensor, opts: CrossEntropyOptions): Tensor {
  const C = x.shape[x.ndim - 1]!;
  const eps = opts.labelSmoothing ?? 0;
  const w = opts.weight?.toTypedArray() ?? new Float64Array(C).fill(1);
  const q = new Float64Array(y.size * C);
  let total = 0;
  y.toTypedArray().forEach((c, i) => {
    if (c === (opts.ignoreIndex ?? -100)) return;
    total += w[c]!;
    for (let k = 0; k < C; k++) q[i * C + k] = ((1 - eps) * (k === c ? 1 : 0) + eps / C) * w[k]!;
  });
  const rows = neg(sum(mul(logSoftmax(x, -1), tensor(q, { ...f64, shape: x.shape })), -1));
  const r = opts.reduction ?? "mean";
  return r === "none" ? rows : r === "sum" ? sum(rows) : mul(sum(rows), 1 / total);
}
const exact = { rtol: 1e-12, atol: 1e-14 };

const variants: [string, CrossEntropyOptions][] = [
  ["mean", {}],
  ["sum", { reduction: "sum" }],
  ["none", { reduction: "none" }],
  [
    "weight + smoothing + ignoreIndex",
    { weight: tensor([0.5, 2, 1, 0.25], f64), labelSmoothing: 0.1, ignoreIndex: 2 },
  ],
];

describe.each(variants)("crossEntropy in forward mode (%s)", (_, opts) => {
  const g = new Generator(8);
  const x = randn([2, 3, 4], { ...f64, generator: g });
  const y = randint(0, 4, [2, 3], { generator: g });
  const u = randn([2, 3, 4], { ...f64, generator: g });
  const fused = (a: Tensor) => crossEntropy(a, y, opts);
  const ref = (a: Tensor) => composite(a, y, opts);

  it("J u equals the composite's and central differences", () => {
    const [out, t] = jvp(fused, [x], [u]);
    const [refOut, refT] = jvp(ref, [x], [u]);
    assertAllClose(out, refOut, exact);
    assertAllClose(t, refT, exact);
    const eps = 1e-6;
    const fd = mul(sub(fused(add(x, mul(u, eps))), fused(sub(x, mul(u, eps)))), 1 / (2 * eps));
    assertAllClose(t, fd, { rtol: 1e-7, atol: 1e-9 });
  });

  it("the forward-over-reverse Hessian equals reverse over reverse and the composite's", () => {
    const flat = tensor(x.toTypedArray(), { ...f64, shape: [24] });
    const scalar = (f: (a: Tensor) => Tensor) => (v: Tensor) => sum(f(v.reshape([2, 3, 4])));
    const h = hessian(scalar(fused))(flat);
    assertAllClose(h, jacrev(grad(scalar(fused)) as (v: Tensor) => Tensor)(flat) as Tensor, exact);
    assertAllClose(h, hessian(scalar(ref))(flat), exact);
  });
});
