import { crossEntropy } from "@nablajs/losses";
import { Embedding, LayerNorm, Linear, Module, TransformerEncoder } from "@nablajs/nn";
import { Adam, clipGradNorm } from "@nablajs/optim";
import { LSTM } from "@nablajs/rnn";
import { arange, concat, Generator, noGrad, randint, type Tensor, tensor } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { logAxis } from "../lib/axes.js";
import { corpus } from "../lib/corpus.js";
import { defineExample } from "../lib/example.js";

const LINE = "O Romeo, Romeo! wherefore art thou Romeo?";

/** A next-character model whose input vectors h0 [B, T, d] can be differentiated separately. */
interface CharModel extends Module {
  /** The vectors the model reads at each position: token (and position) embeddings. */
  inputs(ids: Tensor): Tensor;
  /** Logits [B, T, V] from those vectors. */
  fromInputs(h0: Tensor): Tensor;
  forward(ids: Tensor): Tensor;
}

/** A small GPT: token + position embeddings, pre-norm causal self-attention blocks, a head. */
class TinyGPT extends Module {
  emb: Embedding;
  pos: Embedding;
  blocks: TransformerEncoder;
  head: Linear;
  constructor(v: number, T: number, d: number, heads: number, layers: number, g: Generator) {
    super();
    this.emb = this.registerModule("emb", new Embedding(v, d, { generator: g }));
    this.pos = this.registerModule("pos", new Embedding(T, d, { generator: g }));
    const layer = { dModel: d, nhead: heads, dimFeedforward: 4 * d, dropout: 0, activation: "gelu" as const };
    this.blocks = this.registerModule(
      "blocks",
      new TransformerEncoder({ ...layer, normFirst: true, batchFirst: true, generator: g }, layers, {
        norm: new LayerNorm(d),
      }),
    );
    this.head = this.registerModule("head", new Linear(d, v, { generator: g }));
  }
  inputs(ids: Tensor) {
    return this.emb.forward(ids).add(this.pos.forward(arange(0, ids.shape[1]!, 1, { dtype: "int32" })));
  }
  fromInputs(h0: Tensor) {
    return this.head.forward(this.blocks.forward(h0, { isCausal: true }));
  }
  forward(ids: Tensor) {
    return this.fromInputs(this.inputs(ids));
  }
  /** The attention weights of block `l` on input vectors h0: [B, heads, T, T]. */
  weights(h0: Tensor, l: number): Tensor {
    let x = h0;
    for (let i = 0; i < l; i++) x = this.blocks.layer(i).forward(x, { isCausal: true });
    const block = this.blocks.layer(l);
    const xn = block.norm1.forward(x);
    return block.self_attn.forward(xn, xn, xn, { isCausal: true, averageAttnWeights: false }).weights!;
  }
}

/** The same task for an LSTM: embeddings, one LSTM layer, a head. */
class TinyLSTM extends Module {
  emb: Embedding;
  lstm: LSTM;
  head: Linear;
  constructor(v: number, d: number, hidden: number, g: Generator) {
    super();
    this.emb = this.registerModule("emb", new Embedding(v, d, { generator: g }));
    this.lstm = this.registerModule(
      "lstm",
      new LSTM({ inputSize: d, hiddenSize: hidden, batchFirst: true, generator: g }),
    );
    this.head = this.registerModule("head", new Linear(hidden, v, { generator: g }));
  }
  inputs(ids: Tensor) {
    return this.emb.forward(ids);
  }
  fromInputs(h0: Tensor) {
    return this.head.forward(this.lstm.forward(h0).output);
  }
  forward(ids: Tensor) {
    return this.fromInputs(this.inputs(ids));
  }
}

/** ‖∂ℓ/∂h0_t‖ for every position t, where ℓ is the loss of the LAST prediction only. */
function reach(model: CharModel, x: Tensor, y: Tensor): number[] {
  const T = x.shape[1]!;
  const h0 = noGrad(() => model.inputs(x)).detach();
  h0.requiresGrad = true;
  const logits = model
    .fromInputs(h0)
    .narrow(1, T - 1, 1)
    .reshape([x.shape[0]!, -1]);
  crossEntropy(logits, y.narrow(1, T - 1, 1).reshape([-1])).backward();
  return Array.from({ length: T }, (_, t) => h0.grad!.narrow(1, t, 1).square().sum().sqrt().item());
}

export default defineExample({
  title: "Attention: every position one step from every other",
  idea:
    "A Transformer's self-attention mixes the positions of a sequence with weights softmax(q kᵀ/√d) that " +
    "each query computes over every earlier key, so the last prediction depends on the first character " +
    "through ONE product, not through T steps of a recurrence. The heat map shows where a small char-GPT, " +
    "trained for a few hundred steps, looks while reading a line of Shakespeare; the curves show the " +
    "gradient of the last prediction's loss with respect to each input position: flat for attention, " +
    "geometric decay for an LSTM, whose gradient must pass through every step in between.",
  formula: String.raw`\operatorname{Attn}(Q,K,V) = \operatorname{softmax}\!\Big(\frac{QK^\top}{\sqrt{d}} + M\Big)V, \quad M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}, \qquad \frac{\partial y_T}{\partial x_1} = \sum_h \alpha^{(h)}_{T1}\, W_O^{(h)} W_V^{(h)} + \dots`,
  run(ctx) {
    const text = corpus();
    const chars = [...new Set(text)].sort();
    const ids = tensor(
      Array.from(text, (c) => chars.indexOf(c)),
      { dtype: "int32" },
    );
    const split = Math.floor(ids.size * 0.9);
    const [T, B, d, heads, layers] = ctx.small ? [48, 8, 32, 2, 2] : [64, 32, 64, 4, 2];
    const steps = ctx.small ? 100 : 600;
    const batch = (from: number, to: number, g: Generator, size = B) => {
      const starts = Array.from(randint(from, to - T - 1, [size], { generator: g }).toTypedArray());
      const rows = (o: number) =>
        concat(
          starts.map((s) => ids.narrow(0, s + o, T).reshape([1, T])),
          0,
        );
      return { x: rows(0), y: rows(1) };
    };
    const validation = Array.from({ length: 6 }, (_, i) => batch(split, ids.size, new Generator(100 + i)));
    const evaluate = (m: CharModel) =>
      noGrad(
        () =>
          validation.reduce((s, b) => s + crossEntropy(m.forward(b.x), b.y).item(), 0) / validation.length,
      );
    const probe = batch(split, ids.size, new Generator(7), 8);

    const models: [string, CharModel][] = [
      [
        `char-GPT (${layers} blocks, ${heads} heads, d = ${d})`,
        new TinyGPT(chars.length, T, d, heads, layers, new Generator(17)),
      ],
      [`LSTM (${2 * d} units)`, new TinyLSTM(chars.length, d, 2 * d, new Generator(17))],
    ];
    const curves: { t: number; norm: number; model: string; when: string }[] = [];
    const rows = models.map(([name, model]) => {
      const before = reach(model, probe.x, probe.y);
      const opt = new Adam(model.parameters(), { lr: 3e-3 });
      const g = new Generator(18); // the same batches for both
      for (let step = 0; step < steps; step++) {
        const { x, y } = batch(0, split, g);
        opt.zeroGrad();
        crossEntropy(model.forward(x), y).backward();
        clipGradNorm(model.parameters(), 1);
        opt.step();
      }
      const after = reach(model, probe.x, probe.y);
      for (const [t, norm] of before.entries())
        curves.push({ t, norm, model: name, when: "at initialisation" });
      for (const [t, norm] of after.entries()) curves.push({ t, norm, model: name, when: "after training" });
      return {
        model: name,
        parameters: model.numParameters(),
        "validation nats/char": evaluate(model),
        "reach at init": before[0]! / before[T - 1]!,
        "reach trained": after[0]! / after[T - 1]!,
      };
    });
    ctx.print(
      `${steps} Adam steps of ${B} x ${T} characters; uniform guessing is ln ${chars.length} = ${Math.log(chars.length).toFixed(3)} nats/char. reach = ‖∂ℓ_T/∂x_1‖ / ‖∂ℓ_T/∂x_T‖, the gradient of the last prediction's loss at the first input over that at the last`,
    );
    ctx.table(rows);

    // Where the trained GPT looks, head by head, in its last block, reading the line.
    const gpt = models[0]![1] as TinyGPT;
    const line = LINE.slice(0, T);
    const lineIds = tensor([Array.from(line, (c) => chars.indexOf(c))], { dtype: "int32" });
    const w = noGrad(() => gpt.weights(gpt.inputs(lineIds), layers - 1)); // [1, heads, n, n]
    const n = line.length;
    const cells: { query: number; key: number; weight: number; col: number; row: number }[] = [];
    let causal = true;
    let rowsSumToOne = true;
    const data = w.toTypedArray();
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const a = data[(h * n + i) * n + j]!;
          sum += a;
          if (j > i && a !== 0) causal = false;
          if (j <= i) cells.push({ query: i, key: j, weight: a, col: h % 2, row: Math.floor(h / 2) });
        }
        if (Math.abs(sum - 1) > 1e-5) rowsSumToOne = false;
      }
    // The strongest look of each head from the last "Romeo": which earlier character it reads most.
    const last = line.lastIndexOf("R");
    for (let h = 0; h < heads; h++) {
      let best = 0;
      for (let j = 1; j <= last; j++)
        if (data[(h * n + last) * n + j]! > data[(h * n + last) * n + best]!) best = j;
      ctx.print(
        `head ${h + 1}, at the last "R" (position ${last}): most weight on position ${best} ("${line[best]}"), ${data[(h * n + last) * n + best]!.toFixed(2)}`,
      );
    }

    const [g, l] = rows;
    ctx.claim(
      "the attention weights are causal: zero above the diagonal, each row a distribution summing to 1",
      causal && rowsSumToOne,
    );
    ctx.claim(
      "both models learn: over 1 nat per character below uniform guessing",
      rows.every((r) => r["validation nats/char"] < Math.log(chars.length) - 1),
      rows.map((r) => r["validation nats/char"].toFixed(3)).join(", "),
    );
    // The last position also reaches its prediction through the residual stream; the first only
    // through attention, with weight about 1/T when attention is spread evenly: the ratio is of
    // the order of 1/T, not of a product of T Jacobians.
    ctx.claim(
      `at initialisation attention carries the last loss's gradient back to the first of ${T} characters in one step: over 1/(10 T) of the last one's`,
      g!["reach at init"] > 0.1 / T,
      `${g!["reach at init"].toExponential(1)} > ${(0.1 / T).toExponential(1)}`,
    );
    ctx.claim(
      `the LSTM's fades over the same ${T} steps: at initialisation its first character gets over 1000x less than the GPT's`,
      l!["reach at init"] < 1e-3 * g!["reach at init"],
      `${l!["reach at init"].toExponential(1)} against ${g!["reach at init"].toExponential(1)}`,
    );
    ctx.claim(
      "after training, where attention looks mostly at the last few characters, the GPT's first character still gets over 5x more than the LSTM's",
      g!["reach trained"] > 5 * l!["reach trained"],
      `${g!["reach trained"].toExponential(1)} against ${l!["reach trained"].toExponential(1)}`,
    );

    const tick = (i: number) => (line[i] === " " ? "␣" : line[i]!);
    const titles = Array.from({ length: heads }, (_, h) => ({
      col: h % 2,
      row: Math.floor(h / 2),
      title: `head ${h + 1}`,
    }));
    ctx.plot(
      "attention",
      `The last block's attention weights reading "${line}", one panel per head: row i (the query, the character being read) spreads its weight over the characters j ≤ i; darker is more.`,
      {
        height: 300 * Math.ceil(heads / 2),
        padding: 0,
        fx: { axis: null },
        fy: { axis: null },
        x: {
          label: "key j",
          tickFormat: tick,
          ticks: Array.from({ length: n }, (_, i) => i).filter((i) => i % 4 === 0),
        },
        y: {
          label: "query i",
          tickFormat: tick,
          ticks: Array.from({ length: n }, (_, i) => i).filter((i) => i % 4 === 0),
        },
        color: { scheme: "blues", label: "weight" },
        marks: [
          Plot.cell(cells, { x: "key", y: "query", fill: "weight", fx: "col", fy: "row", inset: 0 }),
          Plot.text(titles, { fx: "col", fy: "row", text: "title", frameAnchor: "top-right", dy: 4, dx: -4 }),
        ],
      },
    );
    ctx.plot(
      "reach",
      "‖∂ℓ/∂x_t‖: the gradient of the LAST prediction's loss with respect to the input vector at each position t (log scale), for 8 held-out windows.",
      {
        height: 320,
        fx: { label: null, domain: ["at initialisation", "after training"] },
        x: { label: "position t" },
        y: logAxis("gradient norm", { grid: true }),
        color: { legend: true, domain: models.map(([name]) => name), range: ["#2563eb", "#dc2626"] },
        marks: [
          Plot.frame({ stroke: "#ddd" }),
          Plot.line(curves, { fx: "when", x: "t", y: "norm", stroke: "model" }),
        ],
      },
    );
  },
});
