import { add, mul, sum, type Tensor } from "@nablajs/tensor";
import { keep, lazy, nablaTensor, normal, tfTensor } from "../data.js";
import type { Case } from "../harness.js";
import { tf } from "../tfjs.js";

const N = 16;
const PAIRS = 50; // 50 x (mul, add) = 100 ops
const shape = [N];
const data = lazy(() => {
  const scale = normal(shape, 5, 0.01).map((v) => 1 + v);
  return { x: normal(shape, 6), scale, shift: normal(shape, 7, 0.01) };
});

function chain(x: Tensor, a: Tensor, b: Tensor): Tensor {
  for (let i = 0; i < PAIRS; i++) x = add(mul(x, a), b);
  return x;
}

function tfChain(x: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  for (let i = 0; i < PAIRS; i++) x = tf.add(tf.mul(x, a), b);
  return x;
}

function nablaSetup(requiresGrad: boolean, backward: boolean) {
  return () => {
    const x = nablaTensor(data().x, shape, requiresGrad);
    const a = nablaTensor(data().scale, shape);
    const b = nablaTensor(data().shift, shape);
    if (!backward) {
      // NOTE: the recorded chain is timed in alternation with the plain one, so the overhead
      // is not an artefact of case order, GC state or a burst of load on the machine.
      const plain = nablaTensor(data().x, shape);
      const baseline = requiresGrad ? () => keep(chain(plain, a, b)) : undefined;
      return { run: () => keep(chain(x, a, b)), baseline };
    }
    return {
      run: () => {
        sum(chain(x, a, b)).backward();
        x.grad = null;
      },
    };
  };
}

function tfjsSetup(backward: boolean) {
  return () => {
    const x = tfTensor(data().x, shape);
    const a = tfTensor(data().scale, shape);
    const b = tfTensor(data().shift, shape);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tfChain(v, a, b)));
    const run = backward
      ? () => tf.tidy(() => void g(x).dataSync())
      : () => tf.tidy(() => void tfChain(x, a, b).dataSync());
    return { run, dispose: () => tf.dispose([x, a, b]) };
  };
}

const us = (ms: number) => `${(ms * 1e3).toFixed(2)} us/op`;
const OPS = 2 * PAIRS;

const NO_GRAD = `chain 100 ops [${N}], no grad`;
const RECORDED = `chain 100 ops [${N}], recorded`;

/** What recording the graph costs per small op, and what backward through it costs, vs tfjs. */
export const recordingCases: Case[] = [
  {
    name: NO_GRAD,
    description: `50 x (mul, add) on [${N}] tensors, nothing requires a gradient (tfjs: plain ops in tidy)`,
    setup: { nabla: nablaSetup(false, false), "tfjs-cpu": tfjsSetup(false), "tfjs-wasm": tfjsSetup(false) },
    note: (all) => `nabla ${us((all.get(NO_GRAD)?.results.nabla?.medianMs ?? NaN) / OPS)}`,
  },
  {
    name: RECORDED,
    description:
      "the same chain with the input requiring a gradient: forward only, graph recorded (timed in alternation with the plain chain)",
    setup: { nabla: nablaSetup(true, false) },
    note: (all) => {
      const m = all.get(RECORDED)?.results.nabla;
      if (m?.baselineMs === undefined) return "";
      const signed = (x: number, digits: number) => {
        const r = Number(x.toFixed(digits)) || 0; // no "-0.00"
        return `${r >= 0 ? "+" : ""}${r.toFixed(digits)}`;
      };
      const d = ((m.medianMs - m.baselineMs) / OPS) * 1e3;
      const pct = ((m.medianMs - m.baselineMs) / m.baselineMs) * 100;
      return `recording ${signed(d, 2)} us/op (${signed(pct, 0)}%)`;
    },
  },
  {
    name: `chain 100 ops [${N}], fwd+bwd`,
    description: "recorded chain, then sum().backward() (tfjs: tf.grad of the same function)",
    setup: { nabla: nablaSetup(true, true), "tfjs-cpu": tfjsSetup(true), "tfjs-wasm": tfjsSetup(true) },
  },
];
