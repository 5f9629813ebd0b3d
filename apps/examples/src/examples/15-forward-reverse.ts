import { grad, hessian, hvp, jacfwd, jacrev } from "@nablajs/autograd";
import { Generator, randn, type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { bestTime, countKernels } from "../lib/count.js";
import { defineExample } from "../lib/example.js";

/** A small network R^n -> R^m: tanh(W2 tanh(W1 x)), with 32 hidden units. */
function network(n: number, m: number, seed: number) {
  const g = new Generator(seed);
  const W1 = randn([32, n], { dtype: "float64", generator: g }).div(Math.sqrt(n));
  const W2 = randn([m, 32], { dtype: "float64", generator: g }).div(Math.sqrt(32));
  return (x: Tensor) => W2.matmul(W1.matmul(x).tanh()).tanh();
}

export default defineExample({
  title: "Automatic differentiation: forward and reverse mode",
  idea:
    "Forward mode pushes one input direction through the program (a Jacobian-vector product, $J v$); " +
    "reverse mode pulls one output direction back (a vector-Jacobian product, $u^\\top J$). A full " +
    "Jacobian of $f: \\mathbb{R}^n \\to \\mathbb{R}^m$ costs $n$ of the first or $m$ of the second, so " +
    "reverse mode wins for wide Jacobians (a loss: $m = 1$) and forward mode for tall ones. Because " +
    "every rule is itself differentiable, derivatives nest: a grad of a grad, and a Hessian-vector " +
    "product as forward over reverse, without ever forming the Hessian.",
  formula: String.raw`\text{forward: } v \mapsto J v \;(n \text{ passes}), \qquad \text{reverse: } u \mapsto u^\top J \;(m \text{ passes}), \qquad H v = \frac{d}{d\varepsilon}\nabla f(x + \varepsilon v)\Big|_{\varepsilon = 0}`,
  run(ctx) {
    // Wide (many inputs, few outputs) and tall (few inputs, many outputs) Jacobians.
    const big = ctx.small ? 64 : 256;
    const shapes = [
      { shape: `wide: ${big} → 4`, n: big, m: 4 },
      { shape: `tall: 4 → ${big}`, n: 4, m: big },
    ];
    const rows = shapes.map(({ shape, n, m }) => {
      const f = network(n, m, 15);
      const x = randn([n], { dtype: "float64", generator: new Generator(16) });
      const fwd = countKernels(() => jacfwd(f)(x) as Tensor);
      const rev = countKernels(() => jacrev(f)(x) as Tensor);
      const agree = fwd.result.sub(rev.result).abs().max().item();
      const t = ctx.timed
        ? { fwd: bestTime(() => jacfwd(f)(x)), rev: bestTime(() => jacrev(f)(x)) }
        : undefined;
      return {
        shape,
        "forward kernels": fwd.kernels,
        "reverse kernels": rev.kernels,
        "forward ms": (t?.fwd ?? Number.NaN) * 1e3,
        "reverse ms": (t?.rev ?? Number.NaN) * 1e3,
        "max |Jfwd − Jrev|": agree,
      };
    });
    ctx.table(rows);
    const [wide, tall] = rows;
    ctx.claim(
      "forward and reverse mode give the same Jacobian",
      rows.every((r) => r["max |Jfwd − Jrev|"] < 1e-14),
    );
    ctx.claim(
      "for the wide Jacobian reverse mode does 5x fewer kernel calls; for the tall one forward mode does",
      wide!["reverse kernels"] * 5 < wide!["forward kernels"] &&
        tall!["forward kernels"] * 5 < tall!["reverse kernels"],
    );
    if (ctx.timed)
      ctx.claim(
        "and the same holds in time (timed run only)",
        wide!["reverse ms"] < wide!["forward ms"] && tall!["forward ms"] < tall!["reverse ms"],
      );

    // A grad of a grad: d²/dx² (x³ sin x) = 6x sin x + 6x² cos x − x³ sin x.
    const f1 = (x: Tensor) => x.pow(3).mul(x.sin()).sum();
    const d2 = grad((x: Tensor) => (grad(f1)(x) as Tensor).sum());
    const xs = tensor([-2, -0.5, 0.7, 1.9], { dtype: "float64" });
    const exact = Array.from(
      xs.toTypedArray(),
      (x) => 6 * x * Math.sin(x) + 6 * x * x * Math.cos(x) - x ** 3 * Math.sin(x),
    );
    const nested = Array.from((d2(xs) as Tensor).toTypedArray());
    const worst = Math.max(...nested.map((v, i) => Math.abs(v - exact[i]!)));
    ctx.print(
      `d²/dx² (x³ sin x) at [-2, -0.5, 0.7, 1.9]: grad of grad ${nested.map((v) => v.toFixed(6)).join(", ")}`,
    );
    ctx.claim(
      "a grad of a grad gives the second derivative",
      worst < 1e-12,
      `max error ${worst.toExponential(1)}`,
    );

    // Hessian-vector products: forward over reverse, without the n x n Hessian.
    const sizes = ctx.small ? [16, 64] : [16, 64, 256, 1024];
    const costs = sizes.map((n) => {
      const g = new Generator(17);
      const A = randn([n, n], { dtype: "float64", generator: g }).div(Math.sqrt(n));
      const loss = (w: Tensor) => A.matmul(w).tanh().square().sum();
      const [w, v] = [
        randn([n], { dtype: "float64", generator: g }),
        randn([n], { dtype: "float64", generator: g }),
      ];
      const hv = countKernels(() => hvp(loss, w, v));
      const H = n <= 256 ? countKernels(() => hessian(loss)(w)) : undefined;
      const gap = H ? H.result.matmul(v).sub(hv.result).abs().max().item() : Number.NaN;
      return {
        n,
        "hvp kernels": hv.kernels,
        "hessian kernels": H?.kernels ?? Number.NaN,
        "max |Hv − hvp|": gap,
      };
    });
    ctx.table(costs);
    const first = costs[0]!;
    const lastH = costs.filter((c) => Number.isFinite(c["hessian kernels"])).at(-1)!;
    ctx.claim(
      "hvp equals the Hessian times v",
      costs.every((c) => !(c["max |Hv − hvp|"] > 1e-12)),
    );
    ctx.claim(
      `an hvp costs the same at every n, a Hessian grows with n (${first.n} → ${lastH.n})`,
      costs.every((c) => c["hvp kernels"] === first["hvp kernels"]) &&
        lastH["hessian kernels"] > ((lastH.n / first.n) * first["hessian kernels"]) / 2,
    );

    const bars = rows.flatMap((r) => [
      { shape: r.shape, mode: "forward (jacfwd)", kernels: r["forward kernels"] },
      { shape: r.shape, mode: "reverse (jacrev)", kernels: r["reverse kernels"] },
    ]);
    ctx.plot(
      "modes",
      "Kernel calls to build the whole Jacobian (log scale): each mode pays for the side it sweeps, inputs for forward, outputs for reverse.",
      {
        height: 280,
        fx: { label: null },
        x: { axis: null },
        y: logAxis("kernel calls", { grid: true }),
        color: { legend: true, range: ["#2563eb", "#dc2626"] },
        marks: [
          Plot.barY(bars, { fx: "shape", x: "mode", y1: 1, y2: "kernels", fill: "mode" }),
          Plot.ruleY([1]),
        ],
      },
    );
    const lines = costs.flatMap((c) => [
      { n: c.n, kernels: c["hvp kernels"], what: "Hessian-vector product" },
      { n: c.n, kernels: c["hessian kernels"], what: "full Hessian" },
    ]);
    ctx.plot(
      "hvp",
      "Kernel calls against the number of parameters (log-log): the full Hessian grows with n, the Hessian-vector product does not.",
      {
        height: 280,
        x: logAxis("parameters n"),
        y: logAxis("kernel calls", { grid: true }),
        color: { legend: true },
        marks: [
          Plot.line(
            lines.filter((l) => Number.isFinite(l.kernels)),
            { x: "n", y: "kernels", stroke: "what", marker: "dot" },
          ),
        ],
      },
    );
  },
});
