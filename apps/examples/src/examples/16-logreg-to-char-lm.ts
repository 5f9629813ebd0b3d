import { crossEntropy } from "@nablajs/losses";
import { Embedding, Linear, Module } from "@nablajs/nn";
import { Adam, clipGradNorm } from "@nablajs/optim";
import { LSTM } from "@nablajs/rnn";
import { concat, Generator, multinomial, noGrad, randint, type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { corpus } from "../lib/corpus.js";
import { defineExample } from "../lib/example.js";

const K = 3; // characters of context the MLP sees (the others see 1, or all before)

/** Next-character models: ids [B, T + K - 1] -> logits [B, T, V] for the last T positions. */
abstract class CharModel extends Module {
  abstract override forward(ids: Tensor): Tensor;
}

/** Logistic regression on the previous character: a table of logits (a bigram model). */
class Bigram extends CharModel {
  table: Embedding;
  constructor(v: number, g: Generator) {
    super();
    this.table = this.registerModule("table", new Embedding(v, v, { generator: g }));
  }
  forward(ids: Tensor) {
    return this.table.forward(ids.narrow(1, K - 1, ids.shape[1]! - K + 1));
  }
}

/** Bengio et al. 2003: the embeddings of the last K characters, concatenated, through a tanh layer. */
class MLP extends CharModel {
  emb: Embedding;
  hidden: Linear;
  out: Linear;
  constructor(v: number, g: Generator) {
    super();
    this.emb = this.registerModule("emb", new Embedding(v, 16, { generator: g }));
    this.hidden = this.registerModule("hidden", new Linear(16 * K, 128, { generator: g }));
    this.out = this.registerModule("out", new Linear(128, v, { generator: g }));
  }
  forward(ids: Tensor) {
    const e = this.emb.forward(ids); // [B, T + K - 1, 16]
    const T = ids.shape[1]! - K + 1;
    const context = concat(
      Array.from({ length: K }, (_, k) => e.narrow(1, k, T)),
      2,
    ); // [B, T, 16 K]
    return this.out.forward(this.hidden.forward(context).tanh());
  }
}

/** A character-level LSTM language model (the demo's, smaller). */
class CharLSTM extends CharModel {
  emb: Embedding;
  lstm: LSTM;
  out: Linear;
  constructor(v: number, g: Generator, hidden: number) {
    super();
    this.emb = this.registerModule("emb", new Embedding(v, 32, { generator: g }));
    this.lstm = this.registerModule(
      "lstm",
      new LSTM({ inputSize: 32, hiddenSize: hidden, batchFirst: true, generator: g }),
    );
    this.out = this.registerModule("out", new Linear(hidden, v, { generator: g }));
  }
  forward(ids: Tensor) {
    return this.out
      .forward(this.lstm.forward(this.emb.forward(ids)).output)
      .narrow(1, K - 1, ids.shape[1]! - K + 1);
  }
}

export default defineExample({
  title: "From logistic regression to the char-LM",
  idea:
    "Everything before comes together in one training loop: sample a batch, compute the cross-entropy " +
    "of the next character, backpropagate, clip, take an Adam step. Only the model changes: logistic " +
    "regression on the previous character (a bigram table), an MLP on the last three, and an LSTM that " +
    "reads everything before. Each is a bigger function of the past, and each predicts the next " +
    "character of held-out Shakespeare better.",
  formula: String.raw`L(\theta) = -\frac{1}{T}\sum_{t} \log p_\theta(c_{t+1} \mid c_{\le t}), \qquad \theta \leftarrow \operatorname{Adam}\big(\theta, \operatorname{clip}(\nabla_\theta L)\big)`,
  run(ctx) {
    const text = corpus();
    const chars = [...new Set(text)].sort();
    const ids = tensor(
      Array.from(text, (c) => chars.indexOf(c)),
      { dtype: "int32" },
    );
    const split = Math.floor(ids.size * 0.9);
    const [T, B, hidden] = ctx.small ? [32, 16, 32] : [64, 32, 128];
    const steps = ctx.small ? 100 : 400;
    const batch = (from: number, to: number, g: Generator) => {
      const starts = Array.from(randint(from, to - T - K, [B], { generator: g }).toTypedArray());
      const rows = starts.map((s) => ids.narrow(0, s, T + K));
      return {
        x: concat(
          rows.map((r) => r.narrow(0, 0, T + K - 1).reshape([1, -1])),
          0,
        ),
        y: concat(
          rows.map((r) => r.narrow(0, K, T).reshape([1, -1])),
          0,
        ),
      };
    };
    const validation = Array.from({ length: 8 }, (_, i) => batch(split, ids.size, new Generator(100 + i)));
    const evaluate = (m: CharModel) =>
      noGrad(
        () =>
          validation.reduce((s, b) => s + crossEntropy(m.forward(b.x), b.y).item(), 0) / validation.length,
      );

    // Each model with the learning rate that suits it: a table of logits needs big steps.
    const kinds: [string, (g: Generator) => CharModel, number][] = [
      ["bigram (logistic regression)", (g) => new Bigram(chars.length, g), 0.1],
      ["MLP on 3 characters", (g) => new MLP(chars.length, g), 1e-2],
      [`LSTM (${hidden} units)`, (g) => new CharLSTM(chars.length, g, hidden), 1e-2],
    ];
    const curves: { step: number; loss: number; model: string }[] = [];
    const results = kinds.map(([name, make, lr]) => {
      const model = make(new Generator(16));
      const opt = new Adam(model.parameters(), { lr });
      const g = new Generator(17); // the same batches for every model
      curves.push({ step: 0, loss: evaluate(model), model: name });
      const start = performance.now();
      // The loop: the same for every model.
      for (let step = 1; step <= steps; step++) {
        const { x, y } = batch(0, split, g);
        opt.zeroGrad();
        crossEntropy(model.forward(x), y).backward();
        clipGradNorm(model.parameters(), 5);
        opt.step();
        if (step % (steps / 10) === 0) curves.push({ step, loss: evaluate(model), model: name });
      }
      const seconds = (performance.now() - start) / 1000;
      // A sample: feed the model its own output, one character at a time.
      const gen = new Generator(18);
      let context = Array.from(text.slice(0, 40), (c) => chars.indexOf(c));
      noGrad(() => {
        for (let i = 0; i < 80; i++) {
          const logits = model.forward(tensor([context.slice(-40)], { dtype: "int32" }));
          const next = multinomial(
            logits
              .narrow(1, logits.shape[1]! - 1, 1)
              .reshape([-1])
              .softmax(-1),
            1,
            { generator: gen },
          ).item();
          context = [...context, next];
        }
      });
      const sample = context
        .slice(40)
        .map((i) => chars[i])
        .join("")
        .replace(/\n/g, "⏎");
      return {
        model: name,
        parameters: model.numParameters(),
        "validation nats/char": curves.at(-1)!.loss,
        "steps/s": steps / seconds,
        sample,
      };
    });
    ctx.print(
      `${ids.size} characters, ${chars.length} distinct; ${steps} steps of ${B} x ${T} characters each; uniform guessing: ln ${chars.length} = ${Math.log(chars.length).toFixed(3)} nats/char`,
    );
    ctx.table(results.map(({ sample: _, "steps/s": __, ...r }) => r));
    for (const r of results) ctx.print(`${r.model}: "${r.sample}"`);

    const [bigram, mlp, lstm] = results.map((r) => r["validation nats/char"]);
    ctx.claim(
      "the bigram model beats uniform guessing by over 1 nat per character",
      bigram! < Math.log(chars.length) - 1,
      `${bigram!.toFixed(3)}`,
    );
    ctx.claim(
      "the MLP and the LSTM, which see more of the past, beat the bigram",
      mlp! < bigram! && lstm! < bigram!,
      `${bigram!.toFixed(3)} against ${mlp!.toFixed(3)} and ${lstm!.toFixed(3)}`,
    );
    // At the reduced size (32 units, 100 steps) the LSTM has not yet caught up with the MLP.
    if (!ctx.small)
      ctx.claim(
        "and the LSTM, reading everything before, beats the MLP",
        lstm! < mlp!,
        `${lstm!.toFixed(3)} < ${mlp!.toFixed(3)}`,
      );

    ctx.plot(
      "loss",
      "Validation loss (nats per character, 8 held-out batches) during training: the same loop, three models. The dashed line is uniform guessing.",
      {
        height: 320,
        x: { label: "step" },
        y: { label: "nats / character", grid: true },
        color: { legend: true, domain: kinds.map(([n]) => n) },
        marks: [
          Plot.ruleY([Math.log(chars.length)], { strokeDasharray: "4,3" }),
          Plot.line(curves, { x: "step", y: "loss", stroke: "model", marker: "dot" }),
        ],
      },
    );
  },
});
