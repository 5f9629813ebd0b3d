// One char-LM training step of nabla, timed alone in a fresh Node process (so its peak memory is
// its own), run by the char-LM cases: `node --import tsx src/charlm-step.ts CELL LAYERS HIDDEN`.
// NABLA_BACKEND and NABLA_NUM_THREADS choose the backend and threads; prints one JSON line.
import { crossEntropy } from "@nablajs/losses";
import { Embedding, Linear } from "@nablajs/nn";
import { Adam, clipGradNorm } from "@nablajs/optim";
import { GRU, LSTM } from "@nablajs/rnn";
import { Generator, getBackend, randint, reshape } from "@nablajs/tensor";
import { measure } from "./harness.js";

const [cell = "lstm", layers = "1", hidden = "256"] = process.argv.slice(2);
const [V, E, T, B, H] = [65, 64, 64, 32, Number(hidden)];
const g = new Generator(1);
const embed = new Embedding(V, E, { generator: g });
const Layer = cell === "gru" ? GRU : LSTM;
const rnn = new Layer({ inputSize: E, hiddenSize: H, numLayers: Number(layers), generator: g });
const head = new Linear(H, V, { generator: g });
const params = [...embed.parameters(), ...rnn.parameters(), ...head.parameters()];
const opt = new Adam(params, { lr: 3e-3 });
const tokens = randint(0, V, [T + 1, B], { generator: g });
const x = tokens.narrow(0, 0, T);
const y = reshape(tokens.narrow(0, 1, T), [T * B]);

const m = measure(
  {
    run: () => {
      const { output } = rnn.forward(embed.forward(x));
      const loss = crossEntropy(reshape(head.forward(output), [T * B, V]), y);
      opt.zeroGrad();
      loss.backward();
      clipGradNorm(params, 5);
      opt.step();
    },
  },
  { targetMs: 3000, warmupMs: 500, minSamples: 5, budgetMs: 30_000 },
);
const peakMB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ ms: m.medianMs, peakMB, backend: getBackend().name }));
