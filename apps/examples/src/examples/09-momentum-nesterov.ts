import { SGD } from "@nablajs/optim";
import { type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { defineExample } from "../lib/example.js";

/** Rosenbrock's banana: a narrow curved ravine whose floor leads slowly to the minimum at (1, 1). */
const rosenbrock = (p: Tensor) => {
  const [x, y] = [p.narrow(0, 0, 1), p.narrow(0, 1, 1)];
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
};

/** Runs SGD with the given options from (-1.2, 1); stops early once the loss is below `tol`. */
function run(options: { lr: number; momentum?: number; nesterov?: boolean }, steps: number, tol: number) {
  const p = tensor([-1.2, 1], { dtype: "float64", requiresGrad: true });
  const opt = new SGD([p], options);
  const path: { step: number; x: number; y: number; loss: number }[] = [];
  for (let step = 0; step <= steps; step++) {
    opt.zeroGrad();
    const loss = rosenbrock(p);
    const [x, y] = p.toArray() as number[];
    path.push({ step, x: x!, y: y!, loss: loss.item() });
    if (loss.item() < tol) break;
    loss.backward();
    opt.step(); // v ← μv + g; p ← p − η v (Nesterov: p ← p − η (g + μv))
  }
  return path;
}

export default defineExample({
  title: "Momentum and Nesterov in a ravine",
  idea:
    "In a narrow ravine the gradient points mostly across it, so plain gradient descent zig-zags " +
    "between the walls and creeps along the floor. Momentum keeps a running sum of past gradients: " +
    "the across-the-ravine parts cancel and the along-the-floor parts add up. Nesterov evaluates the " +
    "gradient where momentum is about to carry it, which damps the overshoot.",
  formula: String.raw`v_{k+1} = \mu v_k + \nabla f(x_k), \quad x_{k+1} = x_k - \eta v_{k+1}; \qquad \text{Nesterov: } x_{k+1} = x_k - \eta\,(\nabla f(x_k) + \mu v_{k+1})`,
  run(ctx) {
    const steps = ctx.small ? 1500 : 6000;
    const tol = 1e-6;
    const runs = [
      { name: "SGD", options: { lr: 1e-3 } },
      { name: "momentum 0.9", options: { lr: 1e-3, momentum: 0.9 } },
      { name: "Nesterov 0.9", options: { lr: 1e-3, momentum: 0.9, nesterov: true } },
    ].map((r) => ({ ...r, path: run(r.options, steps, tol) }));
    const reached = (r: (typeof runs)[number]) => (r.path.at(-1)!.loss < tol ? r.path.length - 1 : Infinity);
    ctx.table(
      runs.map((r) => ({
        optimizer: r.name,
        "loss at 500": r.path[Math.min(500, r.path.length - 1)]!.loss,
        "final loss": r.path.at(-1)!.loss,
        [`steps to loss < ${tol}`]: Number.isFinite(reached(r)) ? reached(r) : `not in ${steps}`,
      })),
    );
    const [sgd, mom, nag] = runs;
    const at500 = (r: typeof sgd) => r!.path[Math.min(500, r!.path.length - 1)]!.loss;
    ctx.claim(
      "after 500 steps momentum is 10x closer (in loss) than plain SGD, at the same learning rate",
      at500(mom) < at500(sgd) / 10,
    );
    ctx.claim(
      `momentum and Nesterov reach loss < ${tol}; plain SGD does not in ${steps} steps`,
      Number.isFinite(reached(mom!)) && Number.isFinite(reached(nag!)) && !Number.isFinite(reached(sgd!)),
    );
    // Overshoot shows as steps where the loss goes up.
    const rises = (r: typeof sgd) => r!.path.filter((q, i) => i > 0 && q.loss > r!.path[i - 1]!.loss).length;
    ctx.print(`steps where the loss rose: SGD ${rises(sgd)}, momentum ${rises(mom)}, Nesterov ${rises(nag)}`);
    ctx.claim(
      "Nesterov's look-ahead overshoots less: fewer steps raise the loss than with heavy-ball momentum",
      rises(nag) < rises(mom),
      `${rises(nag)} against ${rises(mom)}`,
    );

    const f = (x: number, y: number) => Math.log10((1 - x) ** 2 + 100 * (y - x * x) ** 2 + 1e-3);
    const color = { legend: true, domain: runs.map((r) => r.name), range: ["#dc2626", "#2563eb", "#15803d"] };
    // Plain SGD drawn last, on top: it follows the same valley floor, but stops short.
    const traj = [...runs]
      .reverse()
      .flatMap((r) =>
        r.path.filter((_, i) => i % 5 === 0 || i === r.path.length - 1).map((q) => ({ ...q, run: r.name })),
      );
    ctx.plot(
      "paths",
      "The paths from (−1.2, 1) on Rosenbrock's function (contours of log f; the minimum is the white dot at (1, 1)), every 5th step; a dot marks where each run ended. All three find the valley floor; plain SGD then creeps along it.",
      {
        aspectRatio: 1,
        x: { domain: [-1.6, 1.6], label: "x" },
        y: { domain: [-0.6, 2.6], label: "y" },
        color,
        marks: [
          Plot.contour({
            value: f,
            x1: -1.6,
            x2: 1.6,
            y1: -0.6,
            y2: 2.6,
            stroke: "#aaa",
            fill: "none",
            thresholds: 18,
            pixelSize: 3,
          }),
          Plot.line(traj, { x: "x", y: "y", stroke: "run", z: "run", strokeWidth: 1.5, clip: true }),
          Plot.dot([{ x: 1, y: 1 }], { x: "x", y: "y", r: 5, fill: "white", stroke: "black" }),
          Plot.dot(
            runs.map((r) => ({ ...r.path.at(-1)!, run: r.name })),
            { x: "x", y: "y", r: 3.5, fill: "run" },
          ),
        ],
      },
    );
    ctx.plot("loss", "Loss per step (log scale): plain SGD crawls along the floor of the ravine.", {
      height: 300,
      color,
      x: { label: "step" },
      y: logAxis("f(x, y)", { grid: true }),
      marks: [
        Plot.line(
          runs.flatMap((r) => r.path.map((q) => ({ ...q, run: r.name }))),
          { x: "step", y: "loss", stroke: "run" },
        ),
      ],
    });
  },
});
