import { mse } from "@nablajs/losses";
import { init } from "@nablajs/nn";
import { clipGradNorm, clipGradValue, SGD } from "@nablajs/optim";
import { Generator, noGrad, randn, type Tensor, zeros } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { defineExample } from "../lib/example.js";

const [T, B, H] = [30, 32, 16];

/**
 * A linear RNN, h_t = W h_{t-1} + U x_t, asked to output its first input after T steps. W starts
 * orthogonal times 1.15, so ∂h_T/∂h_0 = W^T grows like 1.15^30 ≈ 66 and the gradients explode.
 */
function model() {
  const W = zeros([H, H], { requiresGrad: true });
  noGrad(() => init.orthogonal(W, { gain: 1.15, generator: new Generator(3) }));
  const U = randn([H, 1], { generator: new Generator(4) })
    .div(4)
    .detach();
  const V = randn([1, H], { generator: new Generator(5) })
    .div(4)
    .detach();
  U.requiresGrad = V.requiresGrad = true;
  const loss = (x: Tensor) => {
    let h = zeros([B, H]);
    for (let t = 0; t < T; t++) h = h.matmul(W.mT()).add(x.narrow(0, t, 1).reshape([B, 1]).matmul(U.mT()));
    return mse(h.matmul(V.mT()), x.narrow(0, 0, 1).reshape([B, 1]));
  };
  return { params: [W, U, V], loss };
}

const flatGrad = (ps: Tensor[]) => ps.flatMap((p) => Array.from(p.grad!.toTypedArray()));
const cosine = (a: number[], b: number[]) => {
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i]! * b[i]!, aa + a[i]! ** 2, bb + b[i]! ** 2];
  return ab / Math.sqrt(aa * bb);
};

export default defineExample({
  title: "Gradient clipping",
  idea:
    "When the recurrent weights amplify, the gradient through $T$ steps grows like their largest " +
    "eigenvalue to the power $T$, and one step with it throws the weights into overflow. Clipping by " +
    "norm rescales the whole gradient to a maximum length and keeps its direction; clipping by value " +
    "caps each coordinate, which bounds the step but bends its direction.",
  formula: String.raw`\text{by norm: } g \leftarrow g \cdot \min\Big(1, \frac{c}{\lVert g\rVert}\Big), \qquad \text{by value: } g_i \leftarrow \max(-c, \min(c, g_i)), \qquad \lVert g \rVert \sim \rho(W)^T`,
  run(ctx) {
    const steps = ctx.small ? 200 : 300;
    const modes = [
      { name: "no clipping", clip: (_: Tensor[]) => {} },
      { name: "clip norm to 1", clip: (ps: Tensor[]) => clipGradNorm(ps, 1) },
      { name: "clip values to 0.01", clip: (ps: Tensor[]) => clipGradValue(ps, 0.01) },
    ];
    const curves: { step: number; loss: number; norm: number; run: string }[] = [];
    const summary = modes.map(({ name, clip }) => {
      const { params, loss } = model();
      const opt = new SGD(params, { lr: 0.01 });
      const g = new Generator(6); // the same batches for every run
      const losses: number[] = [];
      let cos = Number.NaN;
      for (let step = 0; step < steps; step++) {
        const l = loss(randn([T, B, 1], { generator: g }));
        losses.push(l.item());
        if (!Number.isFinite(l.item())) break;
        opt.zeroGrad();
        l.backward();
        const raw = flatGrad(params);
        clip(params);
        if (step === 0) cos = cosine(raw, flatGrad(params));
        opt.step();
        curves.push({ step, loss: l.item(), norm: Math.sqrt(raw.reduce((s, v) => s + v * v, 0)), run: name });
      }
      const tail = losses.slice(-20);
      return {
        run: name,
        "first ‖g‖": curves.find((c) => c.run === name)!.norm,
        "first loss": losses[0]!,
        "steps run": losses.length,
        "last loss (mean of 20)": tail.reduce((a, b) => a + b, 0) / tail.length,
        "cos(clipped, raw)": cos,
      };
    });
    ctx.table(summary);

    const [none, byNorm, byValue] = summary;
    ctx.claim(
      "the first gradient explodes: over 1000 times the clipping threshold",
      none!["first ‖g‖"] > 1000,
      none!["first ‖g‖"].toExponential(1),
    );
    ctx.claim(
      "unclipped, one step is enough to overflow: the next loss is not a number",
      !Number.isFinite(none!["last loss (mean of 20)"]) && none!["steps run"] === 2,
    );
    ctx.claim(
      "clipped by norm, the run stays finite and ends over 100x below its start",
      byNorm!["last loss (mean of 20)"] < byNorm!["first loss"] / 100,
    );
    ctx.claim(
      "clipped by value, it stays finite and ends over 10x below its start",
      byValue!["last loss (mean of 20)"] < byValue!["first loss"] / 10,
    );
    ctx.claim(
      "clipping by norm keeps the gradient's direction (cosine 1); clipping by value bends it",
      Math.abs(byNorm!["cos(clipped, raw)"] - 1) < 1e-6 && byValue!["cos(clipped, raw)"] < 0.99,
      `cosines ${byNorm!["cos(clipped, raw)"].toFixed(6)} and ${byValue!["cos(clipped, raw)"].toFixed(3)}`,
    );

    const color = {
      legend: true,
      domain: modes.map((m) => m.name),
      range: ["#dc2626", "#15803d", "#2563eb"],
    };
    const overflow = [{ step: 1, loss: none!["first loss"], text: "→ NaN" }];
    ctx.plot(
      "loss",
      "Training loss per step (log scale; the same batches for all three runs). Unclipped, the first step overflows the weights and the next loss is NaN.",
      {
        height: 300,
        color,
        x: { label: "step" },
        y: logAxis("mean squared error", { grid: true }),
        marks: [
          Plot.line(curves, { x: "step", y: "loss", stroke: "run" }),
          Plot.dot(
            curves.filter((c) => c.run === "no clipping"),
            { x: "step", y: "loss", fill: "#dc2626", r: 4 },
          ),
          Plot.text(overflow, {
            x: "step",
            y: "loss",
            text: "text",
            dx: 6,
            textAnchor: "start",
            fill: "#dc2626",
            fontWeight: "bold",
          }),
        ],
      },
    );
    ctx.plot(
      "norm",
      "The gradient's norm before clipping, per step (log scale). The dashed line is the norm threshold, 1.",
      {
        height: 300,
        color,
        x: { label: "step" },
        y: logAxis("‖g‖", { grid: true }),
        marks: [
          Plot.ruleY([1], { strokeDasharray: "4,3" }),
          Plot.line(curves, { x: "step", y: "norm", stroke: "run" }),
        ],
      },
    );
  },
});
