import { tfTensor, tfVariable } from "../data.js";
import type { Bench } from "../harness.js";
import { tf } from "../tfjs.js";
import { checkHandWrittenGrads, lstmLoss, lstmLossAndGrads } from "./lstm-tfjs-bptt.js";

/** Sizes of the LSTM benchmark. */
export interface LstmSize {
  seq: number;
  batch: number;
  input: number;
  hidden: number;
}

/** Input and LSTM weights in the Keras layout: kernel [I, 4H], recurrent [H, 4H], bias [4H], gates i f g o. */
export interface LstmWeights {
  x: Float32Array;
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

function params(size: LstmSize, w: LstmWeights) {
  const { input: I, hidden: H } = size;
  return {
    wx: tfVariable(w.kernel, [I, 4 * H]),
    wh: tfVariable(w.recurrent, [H, 4 * H]),
    b: tfVariable(w.bias, [4 * H]),
  };
}

/** tfjs's fastest path: forward from tf ops, hand-written backpropagation through time (checked first). */
export function tfjsHandWrittenLstm(size: LstmSize, w: LstmWeights): Bench {
  checkHandWrittenGrads();
  const { seq: T, batch: B, input: I } = size;
  const x = tfTensor(w.x, [T * B, I]);
  const p = params(size, w);
  return {
    run: () =>
      tf.tidy(() => {
        const g = lstmLossAndGrads(x, p, T, B);
        g.loss.dataSync();
        g.dwh.dataSync();
      }),
    dispose: () => tf.dispose([x, p.wx, p.wh, p.b]),
  };
}

/** The LSTM written from tf ops (one input matMul for all steps), gradients by tf.variableGrads. */
export function tfjsOpsLstm(size: LstmSize, w: LstmWeights): Bench {
  const { seq: T, batch: B, input: I } = size;
  const x = tfTensor(w.x, [T * B, I]);
  const p = params(size, w);
  return {
    run: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => lstmLoss(x, p, T, B), [p.wx, p.wh, p.b]);
        value.dataSync();
        grads[p.wh.name]!.dataSync();
      }),
    dispose: () => tf.dispose([x, p.wx, p.wh, p.b]),
  };
}

/**
 * `tf.layers.lstm` (sigmoid recurrent activation, as PyTorch) over x [B, T, I] with
 * `returnSequences`, the loss the sum of all outputs, gradients by tf.variableGrads.
 */
export function tfjsLayersLstm(size: LstmSize, w: LstmWeights): Bench {
  const { seq: T, batch: B, input: I, hidden: H } = size;
  const x = tfTensor(w.x, [B, T, I]);
  const layer = tf.layers.lstm({
    units: H,
    returnSequences: true,
    recurrentActivation: "sigmoid",
    recurrentInitializer: "glorotUniform",
  });
  tf.tidy(() => void layer.apply(x));
  tf.tidy(() =>
    layer.setWeights([
      tf.tensor(w.kernel, [I, 4 * H]),
      tf.tensor(w.recurrent, [H, 4 * H]),
      tf.tensor(w.bias, [4 * H]),
    ]),
  );
  const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const loss = () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar;
  return {
    run: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, vars);
        value.dataSync();
        grads[vars[0]!.name]!.dataSync();
      }),
    dispose: () => {
      x.dispose();
      layer.dispose();
    },
  };
}
