import { bceWithLogits } from "@nablajs/losses";
import { Embedding, init } from "@nablajs/nn";
import { Adagrad, Adam, type Optimizer, RMSprop, SGD } from "@nablajs/optim";
import { Generator, noGrad, randint, randn, type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { corpus, words } from "../lib/corpus.js";
import { defineExample } from "../lib/example.js";

const LEN = 10; // words per line (padded with id 0, whose row stays 0)

/** Lines of the plays as word ids [N, LEN], and how often each word occurs. */
function encode(lines: string[]) {
  const vocab = new Map<string, number>([["<pad>", 0]]);
  const ids = new Int32Array(lines.length * LEN);
  for (const [r, l] of lines.entries()) {
    for (const [j, w] of words(l).slice(0, LEN).entries()) {
      if (!vocab.has(w)) vocab.set(w, vocab.size);
      ids[r * LEN + j] = vocab.get(w)!;
    }
  }
  const freq = new Int32Array(vocab.size);
  for (const i of ids) if (i !== 0) freq[i]!++;
  return { ids: tensor(ids, { shape: [lines.length, LEN] }), freq, size: vocab.size };
}

type Make = (params: Tensor[], lr: number) => Optimizer<any, any>;
const OPTIMIZERS: { name: string; make: Make; lrs: number[] }[] = [
  { name: "SGD", make: (p, lr) => new SGD(p, { lr }), lrs: [10, 30, 100] },
  { name: "Adagrad", make: (p, lr) => new Adagrad(p, { lr }), lrs: [0.1, 0.3, 1] },
  { name: "RMSprop", make: (p, lr) => new RMSprop(p, { lr }), lrs: [0.003, 0.01, 0.03] },
  { name: "Adam", make: (p, lr) => new Adam(p, { lr }), lrs: [0.01, 0.03, 0.1] },
];

export default defineExample({
  title: "Adam, RMSprop and Adagrad on sparse text features",
  idea:
    "Each word of a line has a weight (an embedding row of size 1), and most words are rare: their " +
    "rows get a gradient only in the few batches that contain them. One global learning rate cannot " +
    "suit both `the` and `nuncle`; Adagrad, RMSprop and Adam divide each coordinate's step by its own " +
    "gradient history, so rare rows take big steps when they finally appear.",
  formula: String.raw`\text{Adam: } m \leftarrow \beta_1 m + (1-\beta_1) g, \;\; v \leftarrow \beta_2 v + (1-\beta_2) g^2, \;\; \theta \leftarrow \theta - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}; \qquad \text{Adagrad: } \theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{\textstyle\sum g^2} + \epsilon}`,
  run(ctx) {
    const lines = corpus()
      .split("\n")
      .filter((l) => words(l).length >= 3 && !l.endsWith(":"))
      .slice(0, ctx.small ? 4000 : 16000);
    const { ids, freq, size } = encode(lines);
    // A hidden truth: each word has a weight s_w ~ N(0, 1); a line is positive when its words' sum is.
    const g = new Generator(10);
    const scale = Array.from(freq, (f, i) => (i === 0 ? 0 : 1 / Math.sqrt(f)));
    const truth = randn([size, 1], { generator: g }).mul(tensor(scale, { shape: [size, 1] }));
    const y = noGrad(() =>
      truth
        .indexSelect(0, ids.reshape([-1]))
        .reshape([lines.length, LEN])
        .sum(1)
        .gt(0)
        .astype("float32"),
    );
    const rare = Array.from(freq, (f, i) => (f >= 1 && f <= 3 ? i : -1)).filter((i) => i > 0);
    ctx.print(
      `${lines.length} lines, ${size - 1} distinct words; ${rare.length} of them occur at most 3 times`,
    );

    const steps = ctx.small ? 300 : 1200;
    const batch = 64;
    const train = (make: Make, lr: number) => {
      const emb = new Embedding(size, 1, { paddingIdx: 0, generator: new Generator(11) });
      init.zeros(emb.weight); // every run starts from zero weights
      const opt = make(emb.parameters(), lr);
      const order = new Generator(12); // the same batches for every run
      const curve: { step: number; loss: number }[] = [];
      const fullLoss = () => noGrad(() => bceWithLogits(emb.forward(ids).sum([1, 2]), y).item());
      for (let step = 1; step <= steps; step++) {
        const rows = randint(0, lines.length, [batch], { generator: order });
        opt.zeroGrad();
        bceWithLogits(emb.forward(ids.indexSelect(0, rows)).sum([1, 2]), y.indexSelect(0, rows)).backward();
        opt.step();
        if (step % (steps / 20) === 0) curve.push({ step, loss: fullLoss() });
      }
      return { emb, curve, final: curve.at(-1)!.loss };
    };
    const results = OPTIMIZERS.map((o) => {
      const runs = o.lrs.map((lr) => ({ lr, ...train(o.make, lr) }));
      const best = runs.reduce((a, b) => (b.final < a.final ? b : a));
      return { name: o.name, ...best };
    });

    // How well each optimizer recovered the rare words' weights: correlation with the truth.
    const corr = (a: number[], b: number[]) => {
      const m = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      const [ma, mb] = [m(a), m(b)];
      let [sab, saa, sbb] = [0, 0, 0];
      for (let i = 0; i < a.length; i++) {
        sab += (a[i]! - ma) * (b[i]! - mb);
        saa += (a[i]! - ma) ** 2;
        sbb += (b[i]! - mb) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    const truthRare = rare.map((i) => truth.toTypedArray()[i]!);
    const table = results.map((r) => ({
      optimizer: r.name,
      "best lr": r.lr,
      "training loss": r.final,
      "rare words: corr(learned, true)": corr(
        rare.map((i) => r.emb.weight.toTypedArray()[i]!),
        truthRare,
      ),
    }));
    ctx.table(table);
    const sgd = table[0]!;
    const adaptive = table.slice(1);
    ctx.claim(
      "each adaptive method, at its best of three learning rates, ends below SGD at its best",
      adaptive.every((r) => r["training loss"] < sgd["training loss"]),
    );
    ctx.claim(
      "and recovers the rare words' weights better than SGD",
      adaptive.every((r) => r["rare words: corr(learned, true)"] > sgd["rare words: corr(learned, true)"]),
    );

    ctx.plot(
      "loss",
      `Training loss (all ${lines.length} lines) against steps of batch ${batch}, each optimizer at its best learning rate.`,
      {
        height: 320,
        x: { label: "step" },
        y: { label: "binary cross-entropy", grid: true },
        color: { legend: true },
        marks: [
          Plot.line(
            results.flatMap((r) => r.curve.map((c) => ({ ...c, optimizer: `${r.name} (lr ${r.lr})` }))),
            { x: "step", y: "loss", stroke: "optimizer", marker: "dot" },
          ),
        ],
      },
    );
    const scatter = results.flatMap((r) =>
      rare.slice(0, 400).map((i) => ({
        optimizer: r.name,
        truth: truth.toTypedArray()[i]!,
        learned: r.emb.weight.toTypedArray()[i]!,
      })),
    );
    ctx.plot(
      "rare",
      "Rare words (at most 3 occurrences; 400 of them): learned weight against the hidden true weight. The tighter the cloud along a rising line, the better an optimizer recovered them (the correlations are in the table).",
      {
        height: 260,
        fx: { label: null },
        x: { label: "true weight", domain: [-3, 3] },
        y: { label: "learned", grid: true },
        marks: [
          Plot.frame({ stroke: "#ddd" }),
          Plot.dot(scatter, {
            fx: "optimizer",
            x: "truth",
            y: "learned",
            r: 1.5,
            fillOpacity: 0.5,
            fill: "currentColor",
          }),
        ],
      },
    );
  },
});
