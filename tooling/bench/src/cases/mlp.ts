import { add, matmul, mean, square, sub, type Tensor, tanh } from "@nablajs/tensor";
import { lazy, nablaTensor, normal, tfTensor, tfVariable } from "../data.js";
import type { Case } from "../harness.js";
import { tf } from "../tfjs.js";

const B = 64;
const IN = 784;
const HID = 256;
const OUT = 10;
const shapes = { x: [B, IN], t: [B, OUT], w1: [IN, HID], b1: [HID], w2: [HID, OUT], b2: [OUT] };
const data = lazy(() => ({
  x: normal(shapes.x, 11),
  t: normal(shapes.t, 12),
  w1: normal(shapes.w1, 13, 1 / Math.sqrt(IN)),
  b1: normal(shapes.b1, 14, 0.1),
  w2: normal(shapes.w2, 15, 1 / Math.sqrt(HID)),
  b2: normal(shapes.b2, 16, 0.1),
}));

function nabla() {
  const d = data();
  const x = nablaTensor(d.x, shapes.x);
  const t = nablaTensor(d.t, shapes.t);
  const params: Tensor[] = [
    nablaTensor(d.w1, shapes.w1, true),
    nablaTensor(d.b1, shapes.b1, true),
    nablaTensor(d.w2, shapes.w2, true),
    nablaTensor(d.b2, shapes.b2, true),
  ];
  const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  return {
    run: () => {
      const h = tanh(add(matmul(x, w1), b1));
      const loss = mean(square(sub(add(matmul(h, w2), b2), t)));
      loss.backward();
      for (const p of params) p.grad = null;
    },
  };
}

function tfjs() {
  const d = data();
  const x = tfTensor(d.x, shapes.x);
  const t = tfTensor(d.t, shapes.t);
  const w1 = tfVariable(d.w1, shapes.w1);
  const b1 = tfVariable(d.b1, shapes.b1);
  const w2 = tfVariable(d.w2, shapes.w2);
  const b2 = tfVariable(d.b2, shapes.b2);
  const f = () => {
    const h = tf.tanh(tf.add(tf.matMul(x, w1), b1));
    return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(h, w2), b2), t))) as tf.Scalar;
  };
  return {
    run: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(f, [w1, b1, w2, b2]);
        value.dataSync();
        grads[b1.name]!.dataSync();
      }),
    dispose: () => tf.dispose([x, t, w1, b1, w2, b2]),
  };
}

/** Forward and backward of a 2-layer tanh MLP with a mean squared error, vs tf.variableGrads. */
export const mlpCases: Case[] = [
  {
    name: `mlp ${IN}-${HID}-${OUT} b${B} fwd+bwd`,
    description: `x[${B},${IN}] -> tanh(x W1 + b1) -> h W2 + b2 -> mean((y - t)^2), backward to all 4 params`,
    throughput: { unit: "samples/s", work: B },
    setup: { nabla, "tfjs-cpu": tfjs, "tfjs-wasm": tfjs },
  },
];
