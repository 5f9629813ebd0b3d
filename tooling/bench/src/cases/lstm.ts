import { LSTM } from "@nablajs/rnn";
import { Generator, sum } from "@nablajs/tensor";
import { lazy, nablaTensor, normal } from "../data.js";
import type { Bench, Case } from "../harness.js";
import { type LstmSize, tfjsHandWrittenLstm, tfjsLayersLstm, tfjsOpsLstm } from "./lstm-tfjs.js";

const size: LstmSize = { seq: 64, batch: 32, input: 64, hidden: 256 };
const { seq: T, batch: B, input: I, hidden: H } = size;
const k = 1 / Math.sqrt(H);
const weights = lazy(() => ({
  x: normal([T, B, I], 21),
  kernel: normal([I, 4 * H], 22, k),
  recurrent: normal([H, 4 * H], 23, k),
  bias: normal([4 * H], 24, k),
}));

/** nabla's LSTM layer (x [T, B, I]); `fused: false` forces the op-by-op reference path. */
function nabla(fused: boolean) {
  return (): Bench => {
    const lstm = new LSTM({ inputSize: I, hiddenSize: H, fused, generator: new Generator(25) });
    const x = nablaTensor(weights().x, [T, B, I]);
    const params = lstm.parameters();
    return {
      run: () => {
        sum(lstm.forward(x).output).backward();
        for (const p of params) p.grad = null;
      },
    };
  };
}

const NAME = `lstm h${H} b${B} t${T} i${I} fwd+bwd`;
const CHARS = { unit: "chars/s", work: B * T };

/**
 * One LSTM training step (forward over the sequence, loss = sum of outputs, backward to the
 * weights), against three tfjs versions of it. tfjs-cpu runs only the fastest one: a step takes
 * tens of seconds there.
 */
export const lstmCases: Case[] = [
  {
    name: NAME,
    description: `LSTM(${I} -> ${H}) over x[${T},${B},${I}], loss sum(output), backward to the weights; tfjs: its fastest path, forward from tf ops and hand-written backpropagation through time`,
    throughput: CHARS,
    setup: {
      nabla: nabla(true),
      "tfjs-cpu": () => tfjsHandWrittenLstm(size, weights()),
      "tfjs-wasm": () => tfjsHandWrittenLstm(size, weights()),
    },
  },
  {
    name: `${NAME} (tfjs: ops + variableGrads)`,
    description: "tfjs: the same LSTM from tf ops, gradients by tf.variableGrads; nabla column as above",
    throughput: CHARS,
    nablaFrom: NAME,
    setup: { "tfjs-wasm": () => tfjsOpsLstm(size, weights()) },
  },
  {
    name: `${NAME} (tfjs: tf.layers.lstm)`,
    description:
      "tfjs: tf.layers.lstm (returnSequences, sigmoid gates) by tf.variableGrads; nabla column as above",
    throughput: CHARS,
    nablaFrom: NAME,
    setup: { "tfjs-wasm": () => tfjsLayersLstm(size, weights()) },
  },

  {
    name: `${NAME}, nabla unfused`,
    description: "nabla's LSTM with fused: false (the op-by-op reference path through autograd)",
    throughput: CHARS,
    setup: { nabla: nabla(false) },
    note: (all) => {
      const fused = all.get(NAME)?.results.nabla?.medianMs;
      const unfused = all.get(`${NAME}, nabla unfused`)?.results.nabla?.medianMs;
      return fused && unfused ? `fused kernel ${(unfused / fused).toFixed(1)}x faster` : "";
    },
  },
];
