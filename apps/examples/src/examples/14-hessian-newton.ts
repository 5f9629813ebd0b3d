import { grad, hessian } from "@nablajs/autograd";
import { bceWithLogits } from "@nablajs/losses";
import { Newton, SGD } from "@nablajs/optim";
import { Generator, randn, type Tensor, tensor, zeros } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { bestTime, countKernels } from "../lib/count.js";
import { defineExample } from "../lib/example.js";

/** L2-regularised logistic regression on n random points in d dimensions: smooth and strictly convex. */
function logistic(n: number, d: number, seed: number) {
  const g = new Generator(seed);
  const X = randn([n, d], { dtype: "float64", generator: g });
  const y = X.matmul(randn([d], { dtype: "float64", generator: g }))
    .add(randn([n], { dtype: "float64", generator: g }))
    .gt(0)
    .astype("float64");
  return (w: Tensor) => bceWithLogits(X.matmul(w), y).add(w.square().sum().mul(0.05));
}

/** Minimises f from w = 0 with an optimizer, recording f after each step. */
function minimise(
  f: (w: Tensor) => Tensor,
  d: number,
  make: (w: Tensor) => Newton | SGD,
  iters: number,
): number[] {
  const w = zeros([d], { dtype: "float64", requiresGrad: true });
  const opt = make(w);
  const values = [f(w).item()];
  for (let k = 0; k < iters; k++) {
    if (opt instanceof Newton)
      opt.step(() => f(w)); // solves H d = g, w ← w − d
    else {
      opt.zeroGrad();
      f(w).backward();
      opt.step();
    }
    values.push(f(w).item());
  }
  return values;
}

/** The double well x⁴/4 − x²/2 + y²/2: minima at (±1, 0), a saddle at (0, 0). */
const well = (p: Tensor) => {
  const [x, y] = [p.narrow(0, 0, 1), p.narrow(0, 1, 1)];
  return x.pow(4).div(4).sub(x.square().div(2)).add(y.square().div(2)).sum();
};

export default defineExample({
  title: "The Hessian and Newton's method",
  idea:
    "Newton's method fits a quadratic with the Hessian and jumps to its minimum: near a solution the " +
    "error squares at each step (quadratic convergence), where gradient descent only shrinks it by a " +
    "constant factor. Where the Hessian is not positive definite the raw step heads for a saddle or a " +
    "maximum; damping ($H + \\mu I$) turns it back downhill. Its price is the Hessian: $n$ gradient-like " +
    "passes and $n^2$ numbers for $n$ parameters.",
  formula: String.raw`x_{k+1} = x_k - \big(\nabla^2 f(x_k) + \mu I\big)^{-1} \nabla f(x_k), \qquad \lVert x_{k+1} - x^*\rVert \le C \lVert x_k - x^*\rVert^2`,
  run(ctx) {
    // (a) Convergence: Newton against gradient descent on the same convex problem.
    const d = 10;
    const f = logistic(400, d, 14);
    const newton = minimise(f, d, (w) => new Newton([w], { lr: 1, damping: 0 }), 8);
    const gd = minimise(f, d, (w) => new SGD([w], { lr: 1 }), ctx.small ? 60 : 200);
    const fStar = Math.min(...newton, ...gd);
    const err = (v: number[]) => v.map((x) => Math.max(x - fStar, 1e-17));
    const [eN, eG] = [err(newton), err(gd)];
    ctx.table(
      eN.slice(0, 7).map((e, k) => ({ iteration: k, "Newton f − f*": e, "gradient descent f − f*": eG[k]! })),
    );
    const firstTiny = eN.findIndex((e) => e < 1e-14);
    ctx.claim(
      "Newton reaches f − f* < 1e-14 within 6 iterations",
      firstTiny >= 0 && firstTiny <= 6,
      `iteration ${firstTiny}`,
    );
    // Quadratic: log e_{k+1} ≈ 2 log e_k once close.
    const orders = eN
      .slice(1, firstTiny)
      .map((e, k) => Math.log(e) / Math.log(eN[k]!))
      .filter((_, k) => eN[k]! < 1e-2);
    ctx.claim(
      "near the optimum each Newton step squares the error (order log e_{k+1} / log e_k ≥ 1.8)",
      orders.length > 0 && orders.every((o) => o >= 1.8),
      orders.map((o) => o.toFixed(2)).join(", "),
    );
    // Per-step factors while the error is between 1e-3 and 1e-12 (above float64's floor).
    const ratios = eG
      .slice(1)
      .map((e, k) => e / eG[k]!)
      .filter((_, k) => eG[k]! < 1e-3 && eG[k + 1]! > 1e-12);
    const spread = Math.max(...ratios) - Math.min(...ratios);
    ctx.claim(
      "gradient descent is linear: the error shrinks by a constant factor per step",
      ratios.length > 5 && spread < 0.02 && ratios[0]! < 1,
      `factor ${ratios.at(-1)!.toFixed(4)} ± ${spread.toExponential(1)}`,
    );

    // (b) Damping on a non-convex function: from (0.3, 0.8), where f'' < 0 along x.
    const raw = [tensor([0.3, 0.8], { dtype: "float64" })];
    for (let k = 0; k < 8; k++) {
      const p = raw.at(-1)!;
      const [g, H] = [grad(well)(p) as Tensor, hessian(well)(p)];
      const [a, b, c, e] = Array.from(H.toTypedArray());
      const [g0, g1] = g.toArray() as number[];
      const det = a! * e! - b! * c!;
      raw.push(
        p.sub(tensor([(e! * g0! - b! * g1!) / det, (a! * g1! - c! * g0!) / det], { dtype: "float64" })),
      ); // p − H⁻¹ g
    }
    const q = tensor([0.3, 0.8], { dtype: "float64", requiresGrad: true });
    const snapshot = () => tensor(Array.from(q.toTypedArray()), { dtype: "float64" }); // q is updated in place
    const damped = [snapshot()];
    const opt = new Newton([q]); // adds μI until H + μI is positive definite and the step descends
    for (let k = 0; k < 8; k++) {
      opt.step(() => well(q));
      damped.push(snapshot());
    }
    const end = (ps: Tensor[]) => ps.at(-1)!.toArray() as number[];
    const saddleEig = Array.from(hessian(well)(raw.at(-1)!).toTypedArray());
    ctx.print(
      `raw Newton ends at (${end(raw)
        .map((v) => v.toFixed(6))
        .join(", ")}), f = ${well(raw.at(-1)!).item().toFixed(6)}, ∂²f/∂x² = ${saddleEig[0]!.toFixed(3)}`,
    );
    ctx.print(
      `damped Newton ends at (${end(damped)
        .map((v) => v.toFixed(6))
        .join(", ")}), f = ${well(damped.at(-1)!).item().toFixed(6)}`,
    );
    ctx.claim(
      "raw Newton converges to the saddle (0, 0): gradient zero, but a negative curvature",
      Math.hypot(...end(raw)) < 1e-8 && saddleEig[0]! < 0,
    );
    ctx.claim(
      "damped Newton reaches a minimum, f = −1/4",
      Math.abs(well(damped.at(-1)!).item() + 0.25) < 1e-12,
    );

    // (c) The cost: a Hessian takes n gradient-like passes (counted in kernel calls, and timed).
    const sizes = ctx.small ? [8, 16, 32, 64] : [16, 32, 64, 128, 256];
    const cost = sizes.map((n) => {
      const fn = logistic(512, n, 15);
      const w = randn([n], { dtype: "float64", generator: new Generator(16) });
      const gradCalls = countKernels(() => grad(fn)(w)).kernels;
      const hessCalls = countKernels(() => hessian(fn)(w)).kernels;
      const times = ctx.timed
        ? { grad: bestTime(() => grad(fn)(w)), hessian: bestTime(() => hessian(fn)(w)) }
        : undefined;
      return {
        n,
        "grad kernels": gradCalls,
        "hessian kernels": hessCalls,
        ratio: hessCalls / gradCalls,
        "grad ms": (times?.grad ?? Number.NaN) * 1e3,
        "hessian ms": (times?.hessian ?? Number.NaN) * 1e3,
      };
    });
    ctx.table(cost);
    const [small, large] = [cost[0]!, cost.at(-1)!];
    const growth = large.ratio / small.ratio;
    ctx.claim(
      `a Hessian's kernel calls grow with n while a gradient's do not: ${large.n / small.n}x the parameters, ${growth.toFixed(1)}x the ratio`,
      large["grad kernels"] === small["grad kernels"] && growth > large.n / small.n / 2,
    );
    if (ctx.timed) {
      const timeGrowth = large["hessian ms"] / large["grad ms"] / (small["hessian ms"] / small["grad ms"]);
      ctx.claim(
        "and in time: hessian / grad grows with n too (timed run only)",
        timeGrowth > 2,
        `${timeGrowth.toFixed(1)}x`,
      );
    }

    const long = [
      ...eN.map((e, k) => ({ k, e, method: "Newton" })),
      ...eG.map((e, k) => ({ k, e, method: "gradient descent" })),
    ];
    ctx.plot(
      "convergence",
      "f − f* per iteration (log scale): Newton's error curve bends down (the number of correct digits doubles each step); gradient descent's is a straight line.",
      {
        height: 300,
        x: { label: "iteration" },
        y: logAxis("f − f*", { grid: true, domain: [1e-16, 1] }),
        color: { legend: true },
        marks: [
          Plot.line(
            long.filter((p) => p.e > 1e-16),
            { x: "k", y: "e", stroke: "method", marker: "dot", clip: true },
          ),
        ],
      },
    );
    const fw = (x: number, y: number) => x ** 4 / 4 - (x * x) / 2 + (y * y) / 2;
    const paths = [
      ...raw.map((p) => ({ p, run: "raw Newton" })),
      ...damped.map((p) => ({ p, run: "damped Newton" })),
    ]
      .map(({ p, run }) => ({ x: p.toArray() as number[], run }))
      .map(({ x, run }) => ({ x: x[0]!, y: x[1]!, run }));
    ctx.plot(
      "damping",
      "The double well $x^4/4 - x^2/2 + y^2/2$ from (0.3, 0.8): where $\\partial^2 f/\\partial x^2 < 0$ the raw Newton step runs to the saddle at the origin; the damped one goes down to the minimum at (1, 0).",
      {
        aspectRatio: 1,
        x: { domain: [-1.5, 1.5], label: "x" },
        y: { domain: [-1.2, 1.2], label: "y" },
        color: { legend: true, domain: ["raw Newton", "damped Newton"], range: ["#dc2626", "#15803d"] },
        marks: [
          Plot.contour({
            value: fw,
            x1: -1.5,
            x2: 1.5,
            y1: -1.2,
            y2: 1.2,
            stroke: "#aaa",
            fill: "none",
            thresholds: 16,
            pixelSize: 3,
          }),
          Plot.line(paths, { x: "x", y: "y", stroke: "run", z: "run", marker: "dot" }),
        ],
      },
    );
    // The timed run plots milliseconds; a reduced run (no timing) plots kernel calls.
    const [what, gk, hk] = ctx.timed
      ? (["milliseconds", "grad ms", "hessian ms"] as const)
      : (["kernel calls", "grad kernels", "hessian kernels"] as const);
    ctx.plot(
      "cost",
      `The cost of one gradient and of one Hessian against the number of parameters, in ${what} (log-log).`,
      {
        height: 280,
        x: logAxis("parameters n"),
        y: logAxis(what, { grid: true }),
        color: { legend: true },
        marks: [
          Plot.line(
            cost.flatMap((c) => [
              { n: c.n, v: c[gk], of: "gradient" },
              { n: c.n, v: c[hk], of: "Hessian" },
            ]),
            { x: "n", y: "v", stroke: "of", marker: "dot" },
          ),
        ],
      },
    );
  },
});
