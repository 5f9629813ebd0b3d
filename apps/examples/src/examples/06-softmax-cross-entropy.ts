import { crossEntropy } from "@nablajs/losses";
import { Adam } from "@nablajs/optim";
import { Generator, noGrad, oneHot, randperm, type Tensor, tensor, zeros } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { speeches, words } from "../lib/corpus.js";
import { defineExample } from "../lib/example.js";

const SPEAKERS = ["GLOUCESTER", "ROMEO", "MENENIUS", "PETRUCHIO"]; // four plays, four voices

/** Bag-of-words rows (1 where the word occurs) over the `size` most frequent words of `texts`. */
function bagOfWords(texts: string[], size: number) {
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of new Set(words(t))) counts.set(w, (counts.get(w) ?? 0) + 1);
  const vocab = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, size);
  const index = new Map(vocab.map(([w], i) => [w, i]));
  const x = new Float32Array(texts.length * vocab.length);
  texts.forEach((t, r) => {
    for (const w of words(t)) if (index.has(w)) x[r * vocab.length + index.get(w)!] = 1;
  });
  return tensor(x, { shape: [texts.length, vocab.length] });
}

const accuracy = (logits: Tensor, y: Tensor) => logits.argmax(-1).eq(y).astype("float32").mean().item();

export default defineExample({
  title: "Softmax cross-entropy: who is speaking?",
  idea:
    "A linear model scores each speaker from the words of a speech; softmax turns the scores into " +
    "probabilities and cross-entropy charges $-\\log p$ of the true speaker. Its gradient is simply " +
    "$p - y$, what the model believes minus the truth, and computed from logits with log-sum-exp it " +
    "stays finite for logits of $10^4$, where the textbook formula overflows.",
  formula: String.raw`p = \operatorname{softmax}(z), \quad L = -\log p_y = \log\sum_j e^{z_j - m} - (z_y - m), \quad \frac{\partial L}{\partial z} = p - \operatorname{onehot}(y)`,
  run(ctx) {
    const all = speeches().filter((s) => SPEAKERS.includes(s.speaker));
    const order = Array.from(randperm(all.length, { generator: new Generator(6) }).toTypedArray());
    const data = order.map((i) => all[i]!);
    const X = bagOfWords(
      data.map((s) => s.text),
      ctx.small ? 500 : 2000,
    );
    const Y = tensor(
      data.map((s) => SPEAKERS.indexOf(s.speaker)),
      { dtype: "int32" },
    );
    const nTrain = Math.round(data.length * 0.8);
    const [Xtr, Xte] = [X.narrow(0, 0, nTrain), X.narrow(0, nTrain, data.length - nTrain)];
    const [Ytr, Yte] = [Y.narrow(0, 0, nTrain), Y.narrow(0, nTrain, data.length - nTrain)];
    ctx.print(
      `${data.length} speeches of ${SPEAKERS.join(", ")}: ${nTrain} to train on, ${data.length - nTrain} held out; ${X.shape[1]} words`,
    );

    // Logistic (softmax) regression: z = x W + b, starting from W = 0, where every p is 1/4.
    const W = zeros([X.shape[1]!, SPEAKERS.length], { requiresGrad: true });
    const b = zeros([SPEAKERS.length], { requiresGrad: true });
    const model = (x: Tensor) => x.matmul(W).add(b);
    const opt = new Adam([W, b], { lr: 0.01 });
    const curve = [];
    const steps = ctx.small ? 60 : 150;
    for (let step = 0; step <= steps; step++) {
      opt.zeroGrad();
      const loss = crossEntropy(model(Xtr), Ytr);
      const test = noGrad(() => model(Xte));
      curve.push({
        step,
        train: loss.item(),
        test: crossEntropy(test, Yte).item(),
        accuracy: accuracy(test, Yte),
      });
      if (step === steps) break;
      loss.backward();
      opt.step();
    }
    ctx.table(curve.filter((c) => c.step % (steps / 5) === 0));
    const counts = SPEAKERS.map((_, k) => Y.eq(k).astype("float32").sum().item());
    const majority = Math.max(...counts) / data.length;
    const final = curve.at(-1)!;
    ctx.claim(
      "at W = 0 every speaker has p = 1/4 and the loss is ln 4",
      Math.abs(curve[0]!.train - Math.log(4)) < 1e-6,
    );
    ctx.claim(
      "held out, the model names the speaker far more often than always guessing the commonest",
      final.accuracy > majority + 0.2,
      `${(100 * final.accuracy).toFixed(0)}% against ${(100 * majority).toFixed(0)}%`,
    );

    // The gradient of the loss for one speech is p - y: check it in float64, on the held-out
    // speech the model is least sure of (its largest probability is the smallest).
    const pick = noGrad(() => model(Xte).softmax(-1).max(-1))
      .argmin()
      .item();
    const z = model(Xte.narrow(0, pick, 1))
      .detach()
      .astype("float64");
    z.requiresGrad = true;
    crossEntropy(z, Yte.narrow(0, pick, 1)).backward();
    const p = z.detach().softmax(-1);
    const y = oneHot(Yte.narrow(0, pick, 1), SPEAKERS.length).astype("float64");
    const diff = z.grad!.sub(p.sub(y)).abs().max().item();
    ctx.claim(
      "autograd's gradient of the loss is exactly p − y",
      diff < 1e-15,
      `max difference ${diff.toExponential(1)}`,
    );
    const speech = data[nTrain + pick]!;
    ctx.print(
      `the held-out speech the model is least sure of, by ${speech.speaker}: "${speech.text.split("\n")[0]}"`,
    );
    const [pv, gv] = [p.toTypedArray(), z.grad!.toTypedArray()];
    ctx.table(SPEAKERS.map((s, k) => ({ speaker: s, p: pv[k]!, "p − y": gv[k]! })));

    // Huge logits: the textbook formula overflows, the fused log-sum-exp does not.
    const huge = tensor([[1e4, 0, -1e4, 5e3]], { requiresGrad: true });
    const naive = huge.exp().div(huge.exp().sum()).log().neg().narrow(1, 0, 1).item();
    const stable = crossEntropy(huge, tensor([0], { dtype: "int32" }));
    stable.backward();
    const finite = Array.from(huge.grad!.toTypedArray()).every(Number.isFinite);
    ctx.print(
      `logits [1e4, 0, -1e4, 5e3], target 0: textbook -log(e^z0 / Σ e^z) = ${naive}, crossEntropy = ${stable.item()}`,
    );
    ctx.claim(
      "with logits of 1e4, crossEntropy and its gradient stay finite where the textbook formula gives NaN",
      Number.isNaN(naive) && Number.isFinite(stable.item()) && finite,
    );

    const long = curve.flatMap((c) => [
      { step: c.step, value: c.train, series: "training loss" },
      { step: c.step, value: c.test, series: "held-out loss" },
      { step: c.step, value: c.accuracy, series: "held-out accuracy" },
    ]);
    ctx.plot(
      "training",
      "Cross-entropy falls from ln 4 (dotted) as Adam trains the model. With 550 speeches it soon memorises them: the held-out loss turns up after about 30 steps while the training loss keeps falling. The dashed line is the commonest speaker's share, what guessing him always would score.",
      {
        height: 320,
        y: { grid: true, label: "loss (nats) · accuracy", domain: [0, 1.45] },
        color: { legend: true },
        marks: [
          Plot.ruleY([Math.log(4)], { strokeDasharray: "1,3" }),
          Plot.ruleY([majority], { strokeDasharray: "4,3", stroke: "#888" }),
          Plot.line(long, { x: "step", y: "value", stroke: "series" }),
        ],
      },
    );
    const bars = SPEAKERS.flatMap((s, k) => [
      { speaker: s, what: "p (model)", value: pv[k]! },
      { speaker: s, what: "y (truth)", value: pv[k]! - gv[k]! },
      { speaker: s, what: "p − y (gradient)", value: gv[k]! },
    ]);
    ctx.plot(
      "gradient",
      `For the held-out speech the model is least sure of (by ${speech.speaker}): the probabilities, the truth and the gradient p − y, which pushes the true speaker's score up and the others down.`,
      {
        height: 300,
        fx: { label: null, domain: SPEAKERS },
        x: { axis: null, domain: ["p (model)", "y (truth)", "p − y (gradient)"] },
        y: { grid: true, label: "value", domain: [-1, 1] },
        color: {
          legend: true,
          domain: ["p (model)", "y (truth)", "p − y (gradient)"],
          range: ["#2563eb", "#9ca3af", "#dc2626"],
        },
        marks: [Plot.barY(bars, { fx: "speaker", x: "what", y: "value", fill: "what" }), Plot.ruleY([0])],
      },
    );
  },
});
