import { gradcheck, gradgradcheck, gradients, hessian } from "@nablajs/autograd";
import {
  add,
  Generator,
  logSoftmax,
  mul,
  neg,
  randint,
  randn,
  reshape,
  sum,
  type Tensor,
  tensor,
  transpose,
} from "@nablajs/tensor";
import { allClose, assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { type CrossEntropyOptions, crossEntropy } from "./cross-entropy.js";
import { nll } from "./nll.js";

const gen = () => new Generator(42);
const f64 = { dtype: "float64" as const };

/** Cross-entropy composed from logSoftmax, written from PyTorch's definition, as a reference. */
function composite(x: Tensor, y: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const C = x.shape[x.ndim - 1]!;
  const eps = opts.labelSmoothing ?? 0;
  const ignore = opts.ignoreIndex ?? -100;
  const w = opts.weight?.toTypedArray() ?? new Float64Array(C).fill(1);
  const ys = y.toTypedArray();
  const q = new Float64Array(ys.length * C);
  let total = 0;
  ys.forEach((c, i) => {
    if (c === ignore) return;
    total += w[c]!;
    for (let k = 0; k < C; k++) q[i * C + k] = ((1 - eps) * (k === c ? 1 : 0) + eps / C) * w[k]!;
  });
  const rows = neg(sum(mul(logSoftmax(x, -1), tensor(q, { ...f64, shape: x.shape })), -1));
  const r = opts.reduction ?? "mean";
  return r === "none" ? rows : r === "sum" ? sum(rows) : mul(sum(rows), 1 / total);
}

const variants: [string, CrossEntropyOptions][] = [
  ["mean", {}],
  ["sum", { reduction: "sum" }],
  ["none", { reduction: "none" }],
  ["weight", { weight: tensor([0.5, 2, 1, 0.25], f64) }],
  ["smoothing", { labelSmoothing: 0.2 }],
  [
    "weight + smoothing + ignoreIndex",
    { weight: tensor([0.5, 2, 1, 0.25], f64), labelSmoothing: 0.1, ignoreIndex: 2 },
  ],
  [
    "none + weight + ignoreIndex",
    { reduction: "none", weight: tensor([0.5, 2, 1, 0.25], f64), ignoreIndex: 1 },
  ],
];

describe("crossEntropy", () => {
  const x = randn([5, 4], { ...f64, generator: gen() });
  const y = tensor([0, 2, 3, 1, 2], { dtype: "int32" });

  it.each(variants)(
    "%s: value matches the logSoftmax composition, gradcheck and gradgradcheck pass",
    (_, o) => {
      assertAllClose(crossEntropy(x, y, o), composite(x, y, o), { rtol: 1e-12, atol: 1e-14 });
      expect(gradcheck((a) => crossEntropy(a, y, o), [x])).toBe(true);
      expect(gradgradcheck((a) => crossEntropy(a, y, o), [x])).toBe(true);
    },
  );

  it.each(variants)("%s: Hessian equals autograd's Hessian of the composite", (_, o) => {
    const scalar = (f: (a: Tensor) => Tensor) => (a: Tensor) => sum(f(reshape(a, [5, 4])));
    const flatX = reshape(x, [20]);
    const h = hessian(scalar((a) => crossEntropy(a, y, o)))(flatX);
    const ref = hessian(scalar((a) => composite(a, y, o)))(flatX);
    assertAllClose(h, ref, { rtol: 1e-10, atol: 1e-13 });
  });

  it("the one-loop first-order gradient equals the recorded (differentiable) one", () => {
    for (const [, o] of variants) {
      const a = x.detach();
      a.requiresGrad = true;
      const out = crossEntropy(a, y, o);
      const cot = randn(out.shape, { ...f64, generator: gen() });
      const [fast] = gradients([out], [a], [cot], { retainGraph: true });
      const [slow] = gradients([out], [a], [cot], { createGraph: true });
      assertAllClose(fast!, slow!, { rtol: 1e-13, atol: 1e-15 });
    }
  });

  it("handles [..., C] batches, a single [C] row and non-contiguous logits", () => {
    const x3 = randn([2, 3, 4], { ...f64, generator: gen() });
    const y3 = randint(0, 4, [2, 3], { generator: gen() });
    expect(gradcheck((a) => crossEntropy(a, y3, { reduction: "none" }), [x3])).toBe(true);
    assertAllClose(crossEntropy(x3, y3), composite(x3, y3), { rtol: 1e-12 });
    const row = randn([4], { ...f64, generator: gen() });
    assertAllClose(
      crossEntropy(row, tensor(2, { dtype: "int32" })),
      composite(row, tensor(2, { dtype: "int32" })),
    );
    const xt = transpose(randn([4, 5], { ...f64, generator: gen() }));
    expect(xt.isContiguous).toBe(false);
    assertAllClose(crossEntropy(xt, y), composite(xt, y), { rtol: 1e-12 });
    expect(gradcheck((a) => crossEntropy(a, y), [xt])).toBe(true);
  });

  it("stays finite for logits of 1e4 in float32 and float64", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const big = tensor(
        [
          [1e4, -1e4, 0],
          [-1e4, 1e4, 5e3],
        ],
        { dtype, requiresGrad: true },
      );
      const t = tensor([1, 1], { dtype: "int32" });
      const loss = crossEntropy(big, t);
      expect(loss.item()).toBeCloseTo(1e4, 0); // row 0 costs 1e4 - (-1e4) = 2e4, row 1 costs ~0
      const [g] = gradients([loss], [big], [tensor(1, { dtype })]);
      for (const v of g!.toTypedArray()) expect(Number.isFinite(v)).toBe(true);
      // softmax - onehot, halved by the mean: row 0 puts all mass on class 0.
      assertAllClose(
        g!,
        [
          [0.5, -0.5, 0],
          [0, 0, 0],
        ],
        { atol: 1e-6 },
      );
    }
  });

  it("ignoreIndex rows contribute nothing to the loss or the gradient", () => {
    const t = tensor([0, -100, 3, -100, 2], { dtype: "int32" });
    const keep = [0, 2, 4];
    const sub = tensor(
      keep.map((i) => (x.toArray() as number[][])[i]!),
      f64,
    );
    const subT = tensor([0, 3, 2], { dtype: "int32" });
    for (const reduction of ["mean", "sum"] as const) {
      expect(crossEntropy(x, t, { reduction }).item()).toBeCloseTo(
        crossEntropy(sub, subT, { reduction }).item(),
        13,
      );
    }
    const a = x.detach();
    a.requiresGrad = true;
    const [g] = gradients([crossEntropy(a, t)], [a], [tensor(1, f64)]);
    const rows = g!.toArray() as number[][];
    expect(rows[1]).toEqual([0, 0, 0, 0]);
    expect(rows[3]).toEqual([0, 0, 0, 0]);
    const none = crossEntropy(x, t, { reduction: "none" }).toArray() as number[];
    expect([none[1], none[3]]).toEqual([0, 0]);
    // Changing an ignored row's logits changes nothing.
    const moved = add(
      x,
      tensor(
        [
          [0, 0, 0, 0],
          [9, -9, 3, 1],
          [0, 0, 0, 0],
          [5, 5, 5, -7],
          [0, 0, 0, 0],
        ],
        f64,
      ),
    );
    expect(crossEntropy(moved, t).item()).toBe(crossEntropy(x, t).item());
  });

  it("equals nll of logSoftmax, and weighted 'mean' divides by the summed target weights", () => {
    const w = tensor([0.5, 2, 1, 0.25], f64);
    const t = tensor([0, 2, 3, 1, -100], { dtype: "int32" });
    assertAllClose(crossEntropy(x, t, { weight: w }), nll(logSoftmax(x, -1), t, { weight: w }), {
      rtol: 1e-13,
    });
    const none = Array.from(crossEntropy(x, t, { weight: w, reduction: "none" }).toTypedArray());
    const total = 0.5 + 1 + 0.25 + 2;
    expect(crossEntropy(x, t, { weight: w }).item()).toBeCloseTo(none.reduce((a, b) => a + b, 0) / total, 13);
  });

  it("float32 logits agree with float64 to float32 precision", () => {
    const r = allClose(
      crossEntropy(x.astype("float32"), y, { labelSmoothing: 0.1 }),
      crossEntropy(x, y, { labelSmoothing: 0.1 }),
      {
        rtol: 1e-6,
      },
    );
    expect(r.pass, r.message).toBe(true);
  });
});
