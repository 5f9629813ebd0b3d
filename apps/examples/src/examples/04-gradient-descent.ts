import { SGD } from "@nablajs/optim";
import { type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { defineExample } from "../lib/example.js";

/** f(x) = (λ₁ x₁² + λ₂ x₂²) / 2: a bowl whose curvatures are λ₁ and λ₂. */
const bowl = (lambda: [number, number]) => (x: Tensor) =>
  x
    .square()
    .mul(tensor(lambda, { dtype: "float64" }))
    .sum()
    .div(2);

/** Runs gradient descent from x0 and returns every iterate and its loss. */
function descend(lambda: [number, number], lr: number, steps: number, stopBelow = 0) {
  const f = bowl(lambda);
  const x = tensor([-4, 1], { dtype: "float64", requiresGrad: true });
  const opt = new SGD([x], { lr });
  const path: { step: number; x: number; y: number; loss: number }[] = [];
  for (let step = 0; step <= steps; step++) {
    opt.zeroGrad();
    const loss = f(x);
    const [a, b] = x.toArray() as number[];
    path.push({ step, x: a!, y: b!, loss: loss.item() });
    if (loss.item() < stopBelow || !Number.isFinite(loss.item())) break;
    loss.backward(); // x.grad = (λ₁ x₁, λ₂ x₂)
    opt.step(); // x ← x − η ∇f(x)
  }
  return path;
}

export default defineExample({
  title: "Gradient descent on a quadratic",
  idea:
    "On a quadratic bowl gradient descent multiplies each eigen-coordinate by $1 - \\eta\\lambda_i$ per " +
    "step: too small a learning rate crawls, $\\eta = 2/(\\lambda_{min} + \\lambda_{max})$ is the best " +
    "fixed step, and beyond $2/\\lambda_{max}$ it diverges. The condition number $\\kappa$ sets the speed: " +
    "the best rate is $(\\kappa - 1)/(\\kappa + 1)$, so the steps needed grow like $\\kappa$.",
  formula: String.raw`x_{k+1} = x_k - \eta \nabla f(x_k), \qquad x_{k+1,i} = (1 - \eta\lambda_i)\, x_{k,i}, \qquad \text{converges} \iff \eta < \frac{2}{\lambda_{max}}`,
  run(ctx) {
    const lambda: [number, number] = [1, 10];
    const runs = [
      { name: "too small, η = 0.02", lr: 0.02 },
      { name: "best, η = 2/11", lr: 2 / 11 },
      { name: "too large, η = 0.21", lr: 0.21 },
    ].map((r) => ({ ...r, path: descend(lambda, r.lr, 30) }));
    ctx.table(
      runs.map((r) => ({
        "learning rate": r.name,
        "loss at 0": r.path[0]!.loss,
        "loss at 30": r.path.at(-1)!.loss,
      })),
    );

    const [slow, best, wild] = runs.map((r) => r.path.at(-1)!.loss);
    ctx.claim("η = 0.21 > 2/λmax = 0.2 diverges", wild! > runs[2]!.path[0]!.loss);
    ctx.claim("η = 2/(λmin + λmax) ends lowest", best! < slow!);
    // Each coordinate contracts by exactly (1 − ηλᵢ) per step.
    const p = runs[0]!.path;
    const contraction = [p[5]!.x / p[4]!.x, p[5]!.y / p[4]!.y];
    const expected = lambda.map((l) => 1 - 0.02 * l);
    const off = Math.max(...contraction.map((c, i) => Math.abs(c - expected[i]!)));
    ctx.claim(
      "each coordinate shrinks by exactly 1 − ηλᵢ per step",
      off < 1e-12,
      `measured ${contraction.map((c) => c.toFixed(4)).join(", ")}`,
    );

    // The condition number: κ = λmax / λmin, each at its best learning rate, to loss < 1e-10.
    const kappas = ctx.small ? [1, 10, 100] : [1, 10, 100, 1000];
    const byKappa = kappas.map((kappa) => {
      const path = descend([1, kappa], 2 / (1 + kappa), 100_000, 1e-10);
      return { kappa, steps: path.length - 1, path };
    });
    ctx.table(byKappa.map((r) => ({ κ: r.kappa, "steps to loss < 1e-10": r.steps })));
    const last = byKappa.at(-1)!;
    const prev = byKappa.at(-2)!;
    const ratio = last.steps / prev.steps;
    ctx.claim(
      `the steps grow like κ: κ = ${last.kappa} needs about 10x the steps of κ = ${prev.kappa}`,
      ratio > 7 && ratio < 13,
      `${ratio.toFixed(1)}x`,
    );
    ctx.claim("κ = 1 (a round bowl) converges in one step", byKappa[0]!.steps === 1);

    const f = (x: number, y: number) => (lambda[0] * x * x + lambda[1] * y * y) / 2;
    const traj = runs.flatMap((r) => r.path.slice(0, 16).map((q) => ({ ...q, run: r.name })));
    ctx.plot(
      "paths",
      "The first 15 steps on $f = (x^2 + 10 y^2)/2$ (κ = 10): the small rate crawls along the valley, the best one zig-zags in, the large one bounces ever higher across it.",
      {
        aspectRatio: 1,
        x: { domain: [-4.5, 4.5], label: "x₁" },
        y: { domain: [-2.2, 2.2], label: "x₂" },
        color: { legend: true, domain: runs.map((r) => r.name), range: ["#2563eb", "#15803d", "#dc2626"] },
        marks: [
          Plot.contour({
            value: f,
            x1: -4.5,
            x2: 4.5,
            y1: -2.2,
            y2: 2.2,
            stroke: "#aaa",
            fill: "none",
            thresholds: [0.5, 2, 4, 8, 12, 16, 24],
            pixelSize: 3,
          }),
          Plot.line(traj, { x: "x", y: "y", stroke: "run", z: "run", marker: "dot", clip: true }),
        ],
      },
    );
    ctx.plot(
      "kappa",
      "Loss per step at the best learning rate, for growing condition numbers (log scale): the straight lines are linear convergence, slower as κ grows.",
      {
        height: 320,
        x: logAxis("step", { domain: [1, Math.max(...byKappa.map((r) => r.steps))] }),
        y: logAxis("loss", { grid: true }),
        color: { legend: true, type: "ordinal", scheme: "viridis" },
        marks: [
          Plot.line(
            byKappa.flatMap((r) =>
              r.path.filter((q) => q.step > 0 && q.loss > 0).map((q) => ({ ...q, κ: `κ = ${r.kappa}` })),
            ),
            { x: "step", y: "loss", stroke: "κ" },
          ),
        ],
      },
    );
  },
});
