import { grad, gradcheck } from "@nablajs/autograd";
import { linspace, type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { defineExample } from "../lib/example.js";

/** A rule of differentiation: a function built from tensor ops and its derivative by hand. */
interface Rule {
  name: string;
  f: (x: Tensor) => Tensor;
  df: (x: number) => number;
}

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const rules: Rule[] = [
  { name: "power x³ → 3x²", f: (x) => x.pow(3), df: (x) => 3 * x ** 2 },
  { name: "exp eˣ → eˣ", f: (x) => x.exp(), df: (x) => Math.exp(x) },
  { name: "log ln x → 1/x", f: (x) => x.log(), df: (x) => 1 / x },
  { name: "sin → cos", f: (x) => x.sin(), df: (x) => Math.cos(x) },
  { name: "tanh → 1 − tanh²", f: (x) => x.tanh(), df: (x) => 1 - Math.tanh(x) ** 2 },
  { name: "sigmoid σ → σ(1 − σ)", f: (x) => x.sigmoid(), df: (x) => sig(x) * (1 - sig(x)) },
  // (uv)' = u'v + uv'
  {
    name: "product x² sin x",
    f: (x) => x.square().mul(x.sin()),
    df: (x) => 2 * x * Math.sin(x) + x * x * Math.cos(x),
  },
  // (u/v)' = (u'v - uv') / v²
  {
    name: "quotient sin x / x",
    f: (x) => x.sin().div(x),
    df: (x) => (x * Math.cos(x) - Math.sin(x)) / x ** 2,
  },
  // (f∘g)' = f'(g(x)) g'(x)
  { name: "chain sin(x²)", f: (x) => x.square().sin(), df: (x) => Math.cos(x * x) * 2 * x },
];

export default defineExample({
  title: "Derivative rules",
  idea:
    "Every op in nabla carries its own derivative, one line beside its forward; the product, quotient " +
    "and chain rules are not coded anywhere: they fall out of the chain rule that backward applies to " +
    "the recorded ops. Here each rule's autograd derivative meets the formula from the textbook.",
  formula: String.raw`(uv)' = u'v + uv', \quad \Big(\frac{u}{v}\Big)' = \frac{u'v - uv'}{v^2}, \quad (f \circ g)'(x) = f'(g(x))\, g'(x)`,
  run(ctx) {
    // For an elementwise f, the gradient of sum(f(x)) is f'(x) at every point at once.
    const xs = linspace(0.2, 2.4, ctx.small ? 12 : 45, { dtype: "float64" });
    const points = Array.from(xs.toTypedArray());
    const rows = [];
    const data = [];
    let worst = 0;
    for (const [i, rule] of rules.entries()) {
      const auto = Array.from((grad((x: Tensor) => rule.f(x).sum())(xs) as Tensor).toTypedArray());
      const err = Math.max(...auto.map((d, j) => Math.abs(d - rule.df(points[j]!)) / (1 + Math.abs(d))));
      worst = Math.max(worst, err);
      const atOne = (grad(rule.f)(tensor(1, { dtype: "float64" })) as Tensor).item();
      rows.push({ rule: rule.name, "f′(1)": atOne, "max rel. error": err });
      for (const [j, x] of points.entries()) data.push({ x, dy: auto[j]!, panel: i });
    }
    ctx.table(rows);

    ctx.claim(
      "autograd matches every rule's formula to 1e-13 (float64)",
      worst < 1e-13,
      `worst ${worst.toExponential(1)}`,
    );
    const checked = rules.every((r) => gradcheck((x: Tensor) => r.f(x), [xs]));
    ctx.claim("and every derivative agrees with central differences (gradcheck)", checked);

    const fine = linspace(0.2, 2.4, 200, { dtype: "float64" }).toTypedArray();
    const curves = rules.flatMap((r, i) => Array.from(fine, (x) => ({ x, dy: r.df(x), panel: i })));
    const facet = (d: { panel: number }) => d.panel % 3;
    const row = (d: { panel: number }) => Math.floor(d.panel / 3);
    ctx.plot(
      "rules",
      "The derivative by hand (line) and by autograd (dots) for each rule; curves beyond the panel are clipped.",
      {
        height: 560,
        fx: { axis: null },
        fy: { axis: null },
        y: { domain: [-2.5, 3.5], label: "f′(x)", grid: true },
        x: { label: "x" },
        marks: [
          Plot.frame({ stroke: "#ddd" }),
          Plot.ruleY([0], { stroke: "#bbb" }),
          Plot.line(curves, {
            x: "x",
            y: "dy",
            fx: facet,
            fy: row,
            z: "panel",
            stroke: "steelblue",
            clip: true,
          }),
          Plot.dot(data, { x: "x", y: "dy", fx: facet, fy: row, r: 2, fill: "black", clip: true }),
          Plot.text(
            rules.map((r, i) => ({ name: r.name, panel: i })),
            {
              fx: facet,
              fy: row,
              text: "name",
              frameAnchor: "top-left",
              stroke: "white",
              strokeWidth: 4,
              paintOrder: "stroke",
              dx: 4,
              dy: 4,
            },
          ),
        ],
      },
    );
  },
});
