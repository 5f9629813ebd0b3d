import { grad } from "@nablajs/autograd";
import { type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { defineExample } from "../lib/example.js";

// f(x) = sin(x) e^x at x = 1, whose derivative we know exactly: (cos x + sin x) e^x.
const f = (x: Tensor) => x.sin().mul(x.exp());
const x0 = 1;
const exact = (Math.cos(x0) + Math.sin(x0)) * Math.exp(x0);
const EPS = 2 ** -52; // float64's machine epsilon

export default defineExample({
  title: "The derivative as a limit",
  idea:
    "The derivative is the slope of ever shorter secants. On a computer $h$ cannot shrink for ever: the " +
    "secant's truncation error falls like $h$ (forward) or $h^2$ (central), but the rounding error of " +
    "$f(x+h) - f(x)$ grows like $\\varepsilon / h$. Autograd applies the rules exactly and has neither.",
  formula: String.raw`f'(x) = \lim_{h \to 0} \frac{f(x+h) - f(x)}{h}, \qquad \text{error} \approx \underbrace{\tfrac{h}{2}|f''|}_{\text{truncation}} + \underbrace{\tfrac{\varepsilon}{h}|f|}_{\text{rounding}}`,
  run(ctx) {
    const at = (x: number) => f(tensor(x, { dtype: "float64" })).item();
    const auto = (grad(f)(tensor(x0, { dtype: "float64" })) as Tensor).item();
    const autoErr = Math.abs(auto - exact);
    ctx.print(`f'(1) exact = ${exact}, autograd = ${auto}, error ${autoErr.toExponential(1)}`);

    // Step h from 1e-1 down to 1e-16, four steps a decade.
    const rows = Array.from({ length: 61 }, (_, i) => {
      const h = 10 ** (-1 - i / 4);
      const forward = (at(x0 + h) - at(x0)) / h;
      const central = (at(x0 + h) - at(x0 - h)) / (2 * h);
      return { h, forward: Math.abs(forward - exact), central: Math.abs(central - exact) };
    });
    ctx.table(
      rows
        .filter((_, i) => i % 8 === 0)
        .map((r) => ({ h: r.h, "forward error": r.forward, "central error": r.central })),
    );

    const best = (key: "forward" | "central") => rows.reduce((a, b) => (b[key] < a[key] ? b : a));
    const slope = (key: "forward" | "central", i: number, j: number) =>
      Math.log10(rows[i]![key] / rows[j]![key]) / Math.log10(rows[i]!.h / rows[j]!.h);
    const bf = best("forward");
    const bc = best("central");
    ctx.print(
      `best forward h = ${bf.h.toExponential(1)} (error ${bf.forward.toExponential(1)}), ` +
        `best central h = ${bc.h.toExponential(1)} (error ${bc.central.toExponential(1)})`,
    );

    ctx.claim(
      "autograd's derivative is exact to float64 rounding",
      autoErr <= 4 * EPS * Math.abs(exact),
      `error ${autoErr.toExponential(1)}`,
    );
    const s1 = slope("forward", 0, 8);
    const s2 = slope("central", 0, 8);
    ctx.claim(
      "while h is large the forward error falls like h, the central like h²",
      Math.abs(s1 - 1) < 0.15 && Math.abs(s2 - 2) < 0.15,
      `slopes ${s1.toFixed(2)} and ${s2.toFixed(2)}`,
    );
    const near = (h: number, target: number) => Math.abs(Math.log10(h / target)) <= 1.5;
    ctx.claim(
      "the best h is near √ε (forward) and ∛ε (central)",
      near(bf.h, Math.sqrt(EPS)) && near(bc.h, Math.cbrt(EPS)),
      `√ε = ${Math.sqrt(EPS).toExponential(1)}, ∛ε = ${Math.cbrt(EPS).toExponential(1)}`,
    );
    const tiny = rows.find((r) => r.h <= 1e-13)!;
    ctx.claim(
      "below the best h, rounding makes the error rise again (100x at h = 1e-13)",
      tiny.forward > 100 * bf.forward && tiny.central > 100 * bc.central,
    );
    ctx.claim(
      "no step size gets within 1000x of autograd's accuracy",
      bc.central > 1000 * Math.max(autoErr, EPS * Math.abs(exact)),
    );

    const data = rows.flatMap((r) => [
      { h: r.h, error: Math.max(r.forward, 1e-17), method: "forward difference" },
      { h: r.h, error: Math.max(r.central, 1e-17), method: "central difference" },
    ]);
    ctx.plot(
      "error",
      "Error of the finite differences against $h$ (log-log). The dashed line is autograd's error (at most one rounding).",
      {
        height: 420,
        x: logAxis("step h", { reverse: true }),
        y: logAxis("|error|", { grid: true, domain: [1e-17, 10] }),
        color: { legend: true, domain: ["forward difference", "central difference"] },
        marks: [
          Plot.ruleY([Math.max(autoErr, EPS * Math.abs(exact))], { stroke: "gray", strokeDasharray: "4,3" }),
          Plot.text([{ h: 1e-1, error: Math.max(autoErr, EPS * Math.abs(exact)) }], {
            x: "h",
            y: "error",
            text: () => "autograd",
            dy: -8,
            textAnchor: "start",
            fill: "gray",
          }),
          Plot.line(data, { x: "h", y: "error", stroke: "method", strokeWidth: 2 }),
          Plot.dot(
            [bf, bc].map((b, i) => ({ h: b.h, error: i === 0 ? b.forward : b.central })),
            { x: "h", y: "error", r: 4, fill: "black" },
          ),
        ],
      },
    );
  },
});
