import { grad, jvp } from "@nablajs/autograd";
import { Generator, randn, type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { defineExample } from "../lib/example.js";

// A landscape of two variables; p holds points as rows [..., 2], and f sums over them, so that
// grad(f) gives every point's gradient in one backward pass.
const f = (p: Tensor) => {
  const [x, y] = [p.narrow(-1, 0, 1), p.narrow(-1, 1, 1)];
  return x.sin().mul(y.cos()).add(x.square().add(y.square()).div(8)).sum();
};
const fxy = (x: number, y: number) => Math.sin(x) * Math.cos(y) + (x * x + y * y) / 8;

export default defineExample({
  title: "Partial derivatives, the gradient and the directional derivative",
  idea:
    "The gradient collects the partial derivatives; dotted with a unit direction $v$ it gives the slope " +
    "along $v$, which forward mode (`jvp`) computes without forming the gradient. By Cauchy–Schwarz no " +
    "direction rises faster than the gradient's own, and the slope along a contour is zero.",
  formula: String.raw`\nabla f = \Big(\frac{\partial f}{\partial x}, \frac{\partial f}{\partial y}\Big), \qquad D_v f = \nabla f \cdot v = \lvert\nabla f\rvert \cos\theta \le \lvert\nabla f\rvert`,
  run(ctx) {
    const p = tensor([1, 0.5], { dtype: "float64" });
    const g = grad(f)(p) as Tensor;
    const [gx, gy] = g.toArray() as number[];
    const norm = Math.hypot(gx!, gy!);
    ctx.print(`at p = (1, 0.5): ∇f = (${gx!.toFixed(6)}, ${gy!.toFixed(6)}), |∇f| = ${norm.toFixed(6)}`);

    // jvp pushes a direction v through f in one forward pass: the directional derivative.
    const gen = new Generator(3);
    let worst = 0;
    for (let i = 0; i < 5; i++) {
      const v = randn([2], { dtype: "float64", generator: gen });
      const [, slope] = jvp(f, [p], [v]);
      worst = Math.max(worst, Math.abs(slope.item() - g.mul(v).sum().item()));
    }
    ctx.claim(
      "jvp along a direction v equals ∇f · v (5 random directions)",
      worst < 1e-13,
      `worst difference ${worst.toExponential(1)}`,
    );

    // Every unit direction, one degree apart.
    const angles = Array.from({ length: 360 }, (_, k) => k);
    const slopes = angles.map((deg) => {
      const t = (deg * Math.PI) / 180;
      return jvp(f, [p], [tensor([Math.cos(t), Math.sin(t)], { dtype: "float64" })])[1].item();
    });
    const best = slopes.indexOf(Math.max(...slopes));
    const gradAngle = ((Math.atan2(gy!, gx!) * 180) / Math.PI + 360) % 360;
    ctx.table([
      { direction: "steepest of 360", "angle (deg)": best, slope: slopes[best]! },
      { direction: "the gradient's", "angle (deg)": gradAngle, slope: norm },
    ]);
    ctx.claim(
      "no direction rises faster than |∇f|",
      slopes.every((s) => s <= norm * (1 + 1e-12)),
    );
    ctx.claim(
      "the steepest of 360 directions is the gradient's, to the degree",
      Math.abs(best - gradAngle) <= 1 && slopes[best]! > norm * Math.cos(Math.PI / 180),
    );
    const along = jvp(f, [p], [tensor([-gy!, gx!], { dtype: "float64" })])[1].item();
    ctx.claim(
      "along the contour (perpendicular to ∇f) the slope is zero",
      Math.abs(along) < 1e-13,
      `${along.toExponential(1)}`,
    );

    // The gradient field on a grid: one grad call for all 121 points.
    const n = 10;
    const at = (k: number) => -2.7 + (5.4 * k) / (n - 1);
    const grid = Array.from({ length: n * n }, (_, k) => [at(k % n), at(Math.floor(k / n))]);
    const field = (grad(f)(tensor(grid, { dtype: "float64" })) as Tensor).toArray() as number[][];
    const longest = Math.max(...field.map(([u, w]) => Math.hypot(u!, w!)));
    const scale = 0.55 / longest; // the longest arrow spans 0.55 units
    const arrows = grid.map(([x, y], k) => ({
      x: x!,
      y: y!,
      dx: field[k]![0]! * scale,
      dy: field[k]![1]! * scale,
    }));
    ctx.plot(
      "field",
      "Contours of $f(x, y) = \\sin x \\cos y + (x^2 + y^2)/8$ with its gradient arrows: each points uphill, across the contours. The red arrow is $\\nabla f$ at $p = (1, 0.5)$.",
      {
        aspectRatio: 1,
        x: { domain: [-3, 3], label: "x" },
        y: { domain: [-3, 3], label: "y" },
        color: { scheme: "blues", reverse: true },
        marks: [
          Plot.contour({
            fill: fxy,
            x1: -3,
            x2: 3,
            y1: -3,
            y2: 3,
            thresholds: 14,
            stroke: "white",
            strokeOpacity: 0.6,
            pixelSize: 3,
          }),
          Plot.arrow(arrows, {
            x1: "x",
            y1: "y",
            x2: (d) => d.x + d.dx,
            y2: (d) => d.y + d.dy,
            stroke: "#222",
            headLength: 5,
            clip: true,
          }),
          Plot.arrow([{ x: 1, y: 0.5 }], {
            x1: "x",
            y1: "y",
            x2: (d) => d.x + 2 * gx! * scale,
            y2: (d) => d.y + 2 * gy! * scale,
            stroke: "red",
            strokeWidth: 2.5,
          }),
          Plot.dot([{ x: 1, y: 0.5 }], { x: "x", y: "y", fill: "red", r: 4 }),
        ],
      },
    );
    ctx.plot(
      "slopes",
      "The directional derivative $D_v f$ at $p$ for every unit direction: a cosine whose peak, $\\lvert\\nabla f\\rvert$, sits at the gradient's angle.",
      {
        height: 300,
        x: { label: "direction angle (degrees)", ticks: [0, 90, 180, 270, 360] },
        y: { label: "slope along v", grid: true },
        marks: [
          Plot.ruleY([0]),
          Plot.ruleY([norm, -norm], { stroke: "gray", strokeDasharray: "4,3" }),
          Plot.line(
            angles.map((a, k) => ({ a, s: slopes[k]! })),
            { x: "a", y: "s", stroke: "steelblue", strokeWidth: 2 },
          ),
          Plot.ruleX([gradAngle], { stroke: "red" }),
          Plot.text([{ a: gradAngle, s: norm }], {
            x: "a",
            y: "s",
            text: () => "∇f direction",
            dy: -8,
            fill: "red",
          }),
        ],
      },
    );
  },
});
