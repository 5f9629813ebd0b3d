import { crossEntropy } from "@nablajs/losses";
import { Embedding, Linear } from "@nablajs/nn";
import { Adam } from "@nablajs/optim";
import { GRU, LSTM } from "@nablajs/rnn";
import { concat, Generator, noGrad, ones, type Tensor, tensor, zeros } from "@nablajs/tensor";
import * as Plot from "@observablehq/plot";
import { defineExample } from "../lib/example.js";

const [H, MAX, LEN] = [8, 4, 40]; // hidden units, deepest nesting, sequence length
const TOKENS = ["(", ")", "."];

/** Random bracket sequences [T, B] and the nesting depth after each token (what the model must count). */
function brackets(batch: number, g: Generator) {
  const ids = new Int32Array(LEN * batch);
  const depth = new Int32Array(LEN * batch);
  for (let b = 0; b < batch; b++) {
    let d = 0;
    for (let t = 0; t < LEN; t++) {
      const u = g.random();
      const tok =
        d === 0 ? (u < 0.5 ? 0 : 2) : d === MAX ? (u < 0.5 ? 1 : 2) : u < 0.35 ? 0 : u < 0.7 ? 1 : 2;
      d += tok === 0 ? 1 : tok === 1 ? -1 : 0;
      ids[t * batch + b] = tok;
      depth[t * batch + b] = d;
    }
  }
  return { ids: tensor(ids, { shape: [LEN, batch] }), depth: tensor(depth, { shape: [LEN, batch] }) };
}

/** The weights of layer 0 by PyTorch's names. */
const weights = (m: LSTM | GRU) =>
  Object.fromEntries(m.namedParameters().map(([n, p]) => [n.replace("_l0", ""), p.detach()]));
const sigmoid = (t: Tensor) => t.sigmoid();

/** Runs sequences x [T, B, I] step by step with the gate equations, keeping every gate's activation [B, H]. */
function lstmGates(m: LSTM, x: Tensor) {
  const w = weights(m);
  let [h, c] = [zeros([x.shape[1]!, H]), zeros([x.shape[1]!, H])];
  const rows: Record<string, Tensor[]> = {
    "i (input)": [],
    "f (forget)": [],
    "o (output)": [],
    "c (cell)": [],
  };
  for (let t = 0; t < x.shape[0]!; t++) {
    const z = x
      .narrow(0, t, 1)
      .squeeze(0)
      .matmul(w.weight_ih!.mT())
      .add(w.bias_ih!)
      .add(h.matmul(w.weight_hh!.mT()))
      .add(w.bias_hh!);
    const [i, f, g, o] = [
      sigmoid(z.narrow(1, 0, H)),
      sigmoid(z.narrow(1, H, H)),
      z.narrow(1, 2 * H, H).tanh(),
      sigmoid(z.narrow(1, 3 * H, H)),
    ];
    c = f.mul(c).add(i.mul(g)); // c_t = f ⊙ c_{t-1} + i ⊙ g
    h = o.mul(c.tanh()); //        h_t = o ⊙ tanh(c_t)
    rows["i (input)"]!.push(i);
    rows["f (forget)"]!.push(f);
    rows["o (output)"]!.push(o);
    rows["c (cell)"]!.push(c);
  }
  return { rows, h };
}

function gruGates(m: GRU, x: Tensor) {
  const w = weights(m);
  let h = zeros([x.shape[1]!, H]);
  const rows: Record<string, Tensor[]> = { "r (reset)": [], "z (update)": [], "h (state)": [] };
  for (let t = 0; t < x.shape[0]!; t++) {
    const a = x.narrow(0, t, 1).squeeze(0).matmul(w.weight_ih!.mT()).add(w.bias_ih!);
    const b = h.matmul(w.weight_hh!.mT()).add(w.bias_hh!);
    const r = sigmoid(a.narrow(1, 0, H).add(b.narrow(1, 0, H)));
    const z = sigmoid(a.narrow(1, H, H).add(b.narrow(1, H, H)));
    const n = a
      .narrow(1, 2 * H, H)
      .add(r.mul(b.narrow(1, 2 * H, H)))
      .tanh();
    h = z.neg().add(1).mul(n).add(z.mul(h)); // h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
    rows["r (reset)"]!.push(r);
    rows["z (update)"]!.push(z);
    rows["h (state)"]!.push(h);
  }
  return { rows, h };
}

/** R² of the least-squares fit y ≈ [states, 1] w, by the normal equations (H + 1 unknowns). */
function readout(states: Tensor[], y: number[]): number {
  const X = concat(states, 0); // [T 256, H]
  const A = concat([X, ones([X.shape[0]!, 1])], 1).astype("float64");
  const Y = tensor(y, { dtype: "float64", shape: [y.length, 1] });
  const [M, v] = [A.mT().matmul(A).toArray() as number[][], A.mT().matmul(Y).toTypedArray()];
  const n = M.length;
  const w = Array.from(v);
  for (let k = 0; k < n; k++) {
    // Gaussian elimination with partial pivoting
    const p = M.slice(k).reduce(
      (best, row, j) => (Math.abs(row[k]!) > Math.abs(M[best]![k]!) ? j + k : best),
      k,
    );
    [M[k], M[p]] = [M[p]!, M[k]!];
    [w[k], w[p]] = [w[p]!, w[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = M[i]![k]! / M[k]![k]!;
      for (let j = k; j < n; j++) M[i]![j]! -= f * M[k]![j]!;
      w[i]! -= f * w[k]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    for (let j = k + 1; j < n; j++) w[k]! -= M[k]![j]! * w[j]!;
    w[k]! /= M[k]![k]!;
  }
  const fit = Array.from(A.matmul(tensor(w, { dtype: "float64", shape: [n, 1] })).toTypedArray());
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const ssRes = y.reduce((a, t, i) => a + (t - fit[i]!) ** 2, 0);
  const ssTot = y.reduce((a, t) => a + (t - mean) ** 2, 0);
  return 1 - ssRes / ssTot;
}

const corr = (a: number[], b: number[]) => {
  const m = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [m(a), m(b)];
  const cov = a.reduce((s, x, i) => s + (x - ma) * (b[i]! - mb), 0);
  return cov / Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, x) => s + (x - mb) ** 2, 0));
};

export default defineExample({
  title: "LSTM and GRU gates at work",
  idea:
    "To say how deeply nested each bracket is, a network must count: add one at `(`, subtract one at " +
    "`)`, hold the count through `.`. A small LSTM and a small GRU learn it, and their gates show how: " +
    "the forget (LSTM) and update (GRU) gates hold the memory while the input gate writes the " +
    "increments. The LSTM's additive cell turns one unit into the counter itself; the GRU spreads the " +
    "count over its state, where a linear readout still finds it.",
  formula: String.raw`c_t = f_t \odot c_{t-1} + i_t \odot g_t,\; h_t = o_t \odot \tanh c_t \qquad\quad h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}`,
  run(ctx) {
    const steps = ctx.small ? 250 : 500;
    const test = brackets(256, new Generator(77));
    const models = { LSTM: LSTM, GRU: GRU } as const;
    for (const [name, Layer] of Object.entries(models)) {
      const g = new Generator(13);
      const embed = new Embedding(3, 4, { generator: g });
      const rnn = new Layer({ inputSize: 4, hiddenSize: H, generator: g });
      const head = new Linear(H, MAX + 1, { generator: g });
      const forward = (ids: Tensor) => head.forward(rnn.forward(embed.forward(ids)).output);
      const opt = new Adam([...embed.parameters(), ...rnn.parameters(), ...head.parameters()], { lr: 0.02 });
      const data = new Generator(14);
      for (let step = 0; step < steps; step++) {
        const { ids, depth } = brackets(32, data);
        opt.zeroGrad();
        crossEntropy(forward(ids), depth).backward();
        opt.step();
      }
      const accuracy = noGrad(() =>
        forward(test.ids).argmax(-1).eq(test.depth).astype("float32").mean().item(),
      );

      ctx.claim(
        `the ${name} counts brackets: over 97% of depths right on fresh sequences`,
        accuracy > 0.97,
        `${(100 * accuracy).toFixed(1)}%`,
      );

      // The test sequences, step by step through the gate equations.
      const x = noGrad(() => embed.forward(test.ids)); // [T, 256, 4]
      const { rows, h } = noGrad(() => (rnn instanceof LSTM ? lstmGates(rnn, x) : gruGates(rnn as GRU, x)));
      const layerH = noGrad(() =>
        rnn
          .forward(x)
          .output.narrow(0, LEN - 1, 1)
          .squeeze(0),
      );
      const gap = h.sub(layerH).abs().max().item();
      ctx.claim(
        `the ${name}'s gates, recomputed from the equations, reproduce its fused layer's output`,
        gap < 1e-5,
        `max difference ${gap.toExponential(1)}`,
      );

      // Where the count lives: the memory unit that follows the depth most closely, over every step.
      const memory = name === "LSTM" ? "c (cell)" : "h (state)";
      const states = rows[memory]!; // T x [256, H]
      const depthAll = Array.from(test.depth.toTypedArray()); // [T, 256] row-major, as states are stacked
      const units = Array.from({ length: H }, (_, u) =>
        states.flatMap((v) => Array.from(v.narrow(1, u, 1).toTypedArray())),
      );
      const fits = units.map((v) => Math.abs(corr(v, depthAll)));
      const best = fits.indexOf(Math.max(...fits));
      const r2 = readout(states, depthAll);
      ctx.print(
        `${name}: ${memory.split(" ")[0]} unit ${best} follows the depth with correlation ${corr(units[best]!, depthAll).toFixed(3)}; a linear readout of all ${H} units explains R² = ${r2.toFixed(4)} of it`,
      );
      if (name === "LSTM")
        ctx.claim(
          "one LSTM cell unit is the counter itself (|correlation| with the depth > 0.9)",
          fits[best]! > 0.9,
        );
      else
        ctx.claim(
          "the GRU's state holds the depth linearly (a least-squares readout explains R² > 0.9)",
          r2 > 0.9,
        );

      // The heat map shows the first test sequence.
      const seq = test.ids.narrow(1, 0, 1).reshape([LEN]);
      const depth = Array.from(test.depth.narrow(1, 0, 1).toTypedArray());
      const cells = Object.entries(rows).flatMap(([gate, vs]) =>
        vs.flatMap((v, t) =>
          Array.from(v.narrow(0, 0, 1).toTypedArray(), (a, u) => ({
            t,
            unit: u,
            gate,
            a: gate === memory ? Math.tanh(a) : a,
          })),
        ),
      );
      const chars = Array.from(seq.toTypedArray(), (i) => TOKENS[i]!);
      ctx.plot(
        name.toLowerCase(),
        `The trained ${name}'s gates on one test sequence (its brackets along the bottom, with the depth after each), one row per unit, ${name === "LSTM" ? "sigmoid gates from 0 (white) to 1; the cell c as tanh(c), from −1 (red) to 1 (blue)" : "gates from 0 (white) to 1; the state h from −1 (red) to 1 (blue)"}. Unit ${best} of ${memory.split(" ")[0]} follows the depth most closely.`,
        {
          height: 70 + 70 * Object.keys(rows).length,
          marginLeft: 78,
          marginRight: 4,
          x: { label: null, tickFormat: (t: number) => `${chars[t]}\n${depth[t]}`, ticks: LEN, tickSize: 0 },
          fy: { label: null, domain: Object.keys(rows), axis: "left" },
          y: { axis: null },
          color: { type: "diverging", scheme: "RdBu", domain: [-1, 1] },
          marks: [Plot.cell(cells, { x: "t", y: "unit", fy: "gate", fill: "a", inset: 0.2 })],
        },
      );
    }
  },
});
