import { grad } from "@nablajs/autograd";
import { bceWithLogits, mse } from "@nablajs/losses";
import { Adam, SGD } from "@nablajs/optim";
import { linspace, type Tensor, tensor, zeros } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { corpus } from "../lib/corpus.js";
import { defineExample } from "../lib/example.js";

export default defineExample({
  title: "Mean squared error, and why classifiers use cross-entropy",
  idea:
    "Regression: from a line's character counts, predict how many words it has; MSE's gradient " +
    "$2(p - t)/n$ pulls each prediction towards its target in proportion to the miss, and the model " +
    "finds the law (one word per space, plus one). For classification MSE behind a sigmoid saturates: " +
    "a confidently wrong output gets almost no gradient, while cross-entropy's $p - y$ does not fade.",
  formula: String.raw`L = \frac{1}{n}\sum_i (p_i - t_i)^2, \quad \frac{\partial L}{\partial p_i} = \frac{2(p_i - t_i)}{n}; \qquad \frac{\partial\, \text{MSE}(\sigma(z), 1)}{\partial z} = 2(\sigma - 1)\,\sigma(1 - \sigma) \quad \text{vs} \quad \frac{\partial\, \text{CE}}{\partial z} = \sigma - 1`,
  run(ctx) {
    // The data: lines of the plays, as counts of each character; the target is the word count.
    const lines = corpus()
      .split("\n")
      .filter((l) => l.length > 0 && !l.endsWith(":"))
      .slice(0, ctx.small ? 2000 : 8000);
    const chars = [...new Set(corpus())].sort();
    const counts = tensor(
      lines.map((l) => chars.map((c) => l.split(c).length - 1)),
      { dtype: "float64" },
    );
    // Standardised columns (mean 0, deviation 1) make the bowl round enough for gradient descent.
    const mu = counts.mean(0);
    const sd = counts.var(0).sqrt().add(1e-9);
    const X = counts.sub(mu).div(sd);
    const t = tensor(
      lines.map((l) => l.trim().split(/\s+/).length),
      { dtype: "float64", shape: [lines.length, 1] },
    );
    const w = zeros([chars.length, 1], { dtype: "float64", requiresGrad: true });
    const b = zeros([1], { dtype: "float64", requiresGrad: true });
    const predict = () => X.matmul(w).add(b);

    // MSE's gradient with respect to the predictions, by autograd and by the formula.
    const p0 = tensor([3, 7, 1], { dtype: "float64" });
    const t0 = tensor([4, 5, 1], { dtype: "float64" });
    const g0 = grad((p: Tensor) => mse(p, t0))(p0) as Tensor;
    const formula = p0.sub(t0).mul(2 / 3);
    ctx.print(
      `predictions [3, 7, 1], targets [4, 5, 1]: autograd ${g0.toString()}, 2(p - t)/n = ${formula.toString()}`,
    );
    ctx.claim("MSE's gradient is 2(p − t)/n", g0.sub(formula).abs().max().item() < 1e-15);

    const opt = new Adam([w, b], { lr: 0.05 });
    const curve = [];
    const steps = 600;
    for (let step = 1; step <= steps; step++) {
      opt.zeroGrad();
      const loss = mse(predict(), t);
      loss.backward();
      opt.step();
      curve.push({ step, loss: loss.item() });
    }
    // Back to raw counts: words ≈ Σ_c (w_c / sd_c) count_c + (b − Σ_c w_c mu_c / sd_c).
    const perCount = w.detach().squeeze(1).div(sd);
    const weight = (c: string) => perCount.toTypedArray()[chars.indexOf(c)]!;
    const bias = b.item() - perCount.mul(mu).sum().item();
    ctx.print(
      `${lines.length} lines, ${chars.length} characters; after ${steps} Adam steps: MSE ${curve.at(-1)!.loss.toExponential(2)}`,
    );
    ctx.table(
      [" ", "e", "t", ",", "."]
        .map((c) => ({ character: JSON.stringify(c), weight: weight(c) }))
        .concat([{ character: "bias", weight: bias }]),
    );
    ctx.claim(
      "the model learns the law: weight ≈ 1 on a space, ≈ 0 on letters, bias ≈ 1",
      Math.abs(weight(" ") - 1) < 0.02 && Math.abs(weight("e")) < 0.02 && Math.abs(bias - 1) < 0.05,
      `space ${weight(" ").toFixed(3)}, bias ${bias.toFixed(3)}`,
    );

    // Saturation: one logit z, target 1. MSE on sigmoid(z) against cross-entropy (bceWithLogits).
    const target = tensor([1], { dtype: "float64" });
    const msePath = (z: Tensor) => mse(z.sigmoid(), target);
    const cePath = (z: Tensor) => bceWithLogits(z, target);
    const zs = Array.from(linspace(-10, 10, 81, { dtype: "float64" }).toTypedArray());
    const slopes = zs.map((z) => {
      const zt = tensor([z], { dtype: "float64" });
      return {
        z,
        mse: Math.abs((grad(msePath)(zt) as Tensor).item()),
        ce: Math.abs((grad(cePath)(zt) as Tensor).item()),
      };
    });
    const wrong = slopes[0]!;
    ctx.print(
      `at z = -10 (p = ${(1 / (1 + Math.exp(10))).toExponential(1)}, confidently wrong): |dMSE/dz| = ${wrong.mse.toExponential(1)}, |dCE/dz| = ${wrong.ce.toFixed(4)}`,
    );
    ctx.claim(
      "confidently wrong, MSE's gradient vanishes (< 1e-3) while cross-entropy's stays near 1",
      wrong.mse < 1e-3 && wrong.ce > 0.99,
    );

    // Gradient descent on z from -6 with each loss: steps until the prediction is right (p > 1/2).
    const climb = (loss: (z: Tensor) => Tensor) => {
      const z = tensor([-6], { dtype: "float64", requiresGrad: true });
      const sgd = new SGD([z], { lr: 1 });
      const path = [{ step: 0, z: -6 }];
      for (let step = 1; step <= 5000 && z.item() <= 0; step++) {
        sgd.zeroGrad();
        loss(z).backward();
        sgd.step(); // z ← z − dL/dz
        path.push({ step, z: z.item() });
      }
      return path;
    };
    const ce = climb(cePath);
    const sq = climb(msePath);
    ctx.table([
      { loss: "cross-entropy", "steps to p > 1/2": ce.length - 1 },
      { loss: "MSE", "steps to p > 1/2": sq.length - 1 },
    ]);
    ctx.claim(
      "from z = −6, MSE needs over 20x the steps of cross-entropy to get the answer right",
      sq.length - 1 > 20 * (ce.length - 1),
    );

    ctx.plot("regression", "Regression: MSE of the word-count model per Adam step (log scale).", {
      height: 260,
      y: logAxis("MSE", { grid: true }),
      x: { label: "step" },
      marks: [Plot.line(curve, { x: "step", y: "loss", stroke: "steelblue" })],
    });
    const long = slopes.flatMap((s) => [
      { z: s.z, slope: s.mse, loss: "MSE on σ(z)" },
      { z: s.z, slope: s.ce, loss: "cross-entropy" },
    ]);
    ctx.plot(
      "saturation",
      "|dL/dz| for target 1 as the logit z goes from confidently wrong (left) to right (log scale): MSE's gradient dies where it is needed most.",
      {
        height: 300,
        x: { label: "logit z" },
        y: logAxis("|dL/dz|", { grid: true }),
        color: { legend: true },
        marks: [Plot.line(long, { x: "z", y: "slope", stroke: "loss", strokeWidth: 2 })],
      },
    );
  },
});
