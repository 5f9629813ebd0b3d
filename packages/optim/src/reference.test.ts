import { Generator, randn, type Tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, it } from "vitest";
import { Adagrad, Adam, type Optimizer, RMSprop, SGD } from "./index.js";

// Paths the PyTorch fixtures do not cover (AMSGrad, centred RMSprop with momentum, dampening,
// Adagrad's lrDecay and initial accumulator), against the algorithms as written in PyTorch's
// documentation, one element at a time in plain arithmetic.

type Rule = (p: number, g: number, s: Record<string, number>, t: number) => number;

const rules: [string, (ps: Tensor[]) => Optimizer<any, any>, Rule][] = [
  [
    "SGD momentum 0.8, dampening 0.3, weight decay 0.1",
    (ps) => new SGD(ps, { lr: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.1 }),
    (p, g, s, t) => {
      const d = g + 0.1 * p;
      s.b = t === 1 ? d : 0.8 * s.b! + (1 - 0.3) * d;
      return p - 0.1 * s.b;
    },
  ],
  [
    "Adam AMSGrad with L2 weight decay",
    (ps) => new Adam(ps, { lr: 0.05, betas: [0.8, 0.9], eps: 1e-3, weightDecay: 0.2, amsgrad: true }),
    (p, g, s, t) => {
      const d = g + 0.2 * p;
      s.m = 0.8 * (s.m ?? 0) + 0.2 * d;
      s.v = 0.9 * (s.v ?? 0) + 0.1 * d * d;
      s.vmax = Math.max(s.vmax ?? 0, s.v);
      const mHat = s.m / (1 - 0.8 ** t);
      return p - (0.05 * mHat) / (Math.sqrt(s.vmax) / Math.sqrt(1 - 0.9 ** t) + 1e-3);
    },
  ],
  [
    "RMSprop centred with momentum and weight decay",
    (ps) =>
      new RMSprop(ps, { lr: 0.01, alpha: 0.9, eps: 1e-6, momentum: 0.7, centered: true, weightDecay: 0.05 }),
    (p, g, s) => {
      const d = g + 0.05 * p;
      s.v = 0.9 * (s.v ?? 0) + 0.1 * d * d;
      s.a = 0.9 * (s.a ?? 0) + 0.1 * d;
      s.b = 0.7 * (s.b ?? 0) + d / (Math.sqrt(s.v - s.a * s.a) + 1e-6);
      return p - 0.01 * s.b;
    },
  ],
  [
    "Adagrad with lrDecay, initial accumulator and weight decay",
    (ps) =>
      new Adagrad(ps, { lr: 0.2, lrDecay: 0.1, initialAccumulatorValue: 0.5, weightDecay: 0.01, eps: 1e-8 }),
    (p, g, s, t) => {
      const d = g + 0.01 * p;
      s.sum = (s.sum ?? 0.5) + d * d;
      return p - ((0.2 / (1 + (t - 1) * 0.1)) * d) / (Math.sqrt(s.sum) + 1e-8);
    },
  ],
];

describe("update rules against PyTorch's documented algorithms", () => {
  it.each(rules)("%s", (_, make, rule) => {
    const gen = new Generator(3);
    const params = [
      randn([2, 3], { dtype: "float64", generator: gen }),
      randn([4], { dtype: "float64", generator: gen }),
    ];
    const expected = params.map((p) => Array.from(p.toTypedArray()));
    const states = expected.map((e) => e.map(() => ({}) as Record<string, number>));
    const opt = make(params);
    for (let t = 1; t <= 6; t++) {
      params.forEach((p, i) => {
        p.grad = randn(p.shape, { dtype: "float64", generator: gen });
        const g = p.grad.toTypedArray();
        expected[i] = expected[i]!.map((v, j) => rule(v, g[j]!, states[i]![j]!, t));
      });
      opt.step();
      params.forEach((p, i) => {
        assertAllClose(p.toTypedArray(), Float64Array.from(expected[i]!), { rtol: 1e-12, atol: 1e-15 });
      });
    }
  });
});
