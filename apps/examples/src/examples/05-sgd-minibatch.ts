import { mse } from "@nablajs/losses";
import { DataLoader, Linear, TensorDataset } from "@nablajs/nn";
import { SGD } from "@nablajs/optim";
import { Generator, noGrad, randn, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { defineExample } from "../lib/example.js";

export default defineExample({
  title: "SGD and mini-batches",
  idea:
    "The full-batch gradient averages every example before taking one step; a mini-batch's gradient is " +
    "an unbiased, noisier estimate of it that costs a fraction as much. Counted in examples seen, small " +
    "batches take many more steps and get further; counted in seconds, a batch of 32 wins, because " +
    "every step has a fixed cost that a batch of one pays once per example. Each runs at a learning " +
    "rate that suits its batch (one example's gradient is too noisy for a large step).",
  formula: String.raw`\nabla L = \frac{1}{n}\sum_{i=1}^{n} \nabla \ell_i, \qquad g_B = \frac{1}{|B|}\sum_{i \in B} \nabla \ell_i, \quad \mathbb{E}[g_B] = \nabla L, \quad \operatorname{Var}[g_B] \propto \frac{1}{|B|}`,
  run(ctx) {
    // Linear regression with noise 0.1 (the best possible loss is the noise variance, 0.01); the
    // features' scales run from 1 down to 0.3, so the loss surface is an elongated bowl (κ ≈ 11).
    const n = ctx.small ? 1024 : 4096;
    const epochs = ctx.small ? 2 : 3;
    const g = new Generator(5);
    const scales = tensor(Array.from({ length: 20 }, (_, j) => 0.3 ** (j / 19)));
    const X = randn([n, 20], { generator: g }).mul(scales);
    const wTrue = randn([20, 1], { generator: g });
    const Y = X.matmul(wTrue).add(randn([n, 1], { generator: g }).mul(0.1));

    // Each batch size at a learning rate that suits it: one example's gradient is too noisy for a large step.
    const settings = [
      { batchSize: 1, lr: 0.02 },
      { batchSize: 32, lr: 0.2 },
      { batchSize: n, lr: 0.5 },
    ];
    const runs = settings.map(({ batchSize, lr }) => {
      const model = new Linear(20, 1, { generator: new Generator(6) }); // the same start for all three
      const opt = new SGD(model.parameters(), { lr });
      const loader = new DataLoader(new TensorDataset(X, Y), {
        batchSize,
        shuffle: true,
        generator: new Generator(7),
      });
      const fullLoss = () => noGrad(() => mse(model.forward(X), Y).item());
      const curve = [{ seen: 0, seconds: 0, loss: fullLoss() }];
      const every = Math.max(batchSize, n / 64); // evaluate 64 times an epoch (not timed)
      let seen = 0;
      let seconds = 0;
      let steps = 0;
      for (let epoch = 0; epoch < epochs; epoch++) {
        for (const [xb, yb] of loader) {
          const start = performance.now();
          opt.zeroGrad();
          mse(model.forward(xb!), yb!).backward();
          opt.step();
          seconds += (performance.now() - start) / 1000;
          seen += xb!.shape[0]!;
          steps++;
          if (seen % every === 0) curve.push({ seen, seconds, loss: fullLoss() });
        }
      }
      const name = `${batchSize === n ? `full batch (${n})` : `batch ${batchSize}`}, η = ${lr}`;
      return { name, batchSize, steps, seconds, curve };
    });
    const afterEpoch = (r: (typeof runs)[number]) => r.curve.find((c) => c.seen >= n)!.loss;
    ctx.table(
      runs.map((r) => ({
        batch: r.name,
        steps: r.steps,
        "loss after 1 epoch": afterEpoch(r),
        "final loss": r.curve.at(-1)!.loss,
        "µs per example": (r.seconds / (r.steps * r.batchSize)) * 1e6,
      })),
    );

    const [one, mini, full] = runs;
    ctx.claim(
      "after one epoch, batches of 1 and 32 are far below full-batch descent (which took 1 step)",
      afterEpoch(one!) < afterEpoch(full!) / 10 && afterEpoch(mini!) < afterEpoch(full!) / 10,
    );
    ctx.claim(
      `in ${epochs} epochs, batch 32 gets within 50% of the noise floor 0.01`,
      mini!.curve.at(-1)!.loss < 0.015,
    );
    const monotone = (c: { loss: number }[]) => c.every((p, i) => i === 0 || p.loss <= c[i - 1]!.loss);
    ctx.claim(
      "full-batch descent lowers the loss at every step; batch 1's noisy steps do not",
      monotone(full!.curve) && !monotone(one!.curve),
    );
    if (ctx.timed) {
      const perExample = (r: typeof one) => r!.seconds / (r!.steps * r!.batchSize);
      ctx.claim(
        "each example costs batch 1 over 5x the time it costs batch 32 (timed run only)",
        perExample(one) > 5 * perExample(mini),
        `${(perExample(one) / perExample(mini)).toFixed(0)}x`,
      );
    }

    const data = runs.flatMap((r) => r.curve.filter((c) => c.seen > 0).map((c) => ({ ...c, batch: r.name })));
    const color = { legend: true, domain: runs.map((r) => r.name), range: ["#dc2626", "#2563eb", "#111"] };
    ctx.plot(
      "examples",
      "Loss on the whole training set against examples seen (log-log). The dashed line is the noise floor.",
      {
        height: 320,
        color,
        x: logAxis("examples seen"),
        y: logAxis("loss", { grid: true }),
        marks: [
          Plot.ruleY([0.01], { strokeDasharray: "4,3" }),
          Plot.line(data, { x: "seen", y: "loss", stroke: "batch" }),
        ],
      },
    );
    ctx.plot(
      "seconds",
      "The same runs against training time (log-log; evaluation not counted). Wall time depends on the machine and the backend.",
      {
        height: 320,
        color,
        x: logAxis("seconds"),
        y: logAxis("loss", { grid: true }),
        marks: [
          Plot.ruleY([0.01], { strokeDasharray: "4,3" }),
          Plot.line(
            data.filter((d) => d.seconds > 0),
            { x: "seconds", y: "loss", stroke: "batch" },
          ),
        ],
      },
    );
  },
});
