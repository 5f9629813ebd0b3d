import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Case, Measurement } from "../harness.js";
import { tf } from "../tfjs.js";
import { torchCharLm } from "../torch.js";

const [V, E, T, B] = [65, 64, 64, 32];
const CHILD = fileURLToPath(new URL("../charlm-step.ts", import.meta.url));

/** One nabla step in a fresh Node process (its own peak memory), with the environment given. */
function nablaChild(cell: string, layers: number, hidden: number, env: Record<string, string>) {
  return (): Measurement | string => {
    const conditions = process.execArgv.filter((a) => a.startsWith("--conditions"));
    const args = [...conditions, "--import", "tsx", CHILD, cell, String(layers), String(hidden)];
    const r = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, ...env } });
    if (r.status !== 0) return `error: ${r.stderr.trim().split("\n").pop()}`;
    const { ms, peakMB, backend } = JSON.parse(r.stdout.trim().split("\n").pop()!);
    const want = env.NABLA_BACKEND ?? "native";
    if (backend !== want) return `ran on ${backend}, not ${want}`;
    return { medianMs: ms, minMs: ms, samples: 1, batch: 1, peakMB };
  };
}

function torchChild(impl: "torch" | "torch-1t", cell: string, layers: number, hidden: number) {
  return (): Measurement | string => {
    const r = torchCharLm(impl, cell, layers, hidden);
    return typeof r === "string"
      ? r
      : { medianMs: r.ms, minMs: r.ms, samples: 1, batch: 1, peakMB: r.peakMB };
  };
}

/**
 * The same step with tf.layers (what a TensorFlow.js user writes), in this process. NOTE: the
 * embedding is a bias-free dense layer on one-hot inputs (the same function), because
 * tf.layers.embedding's gradient needs UnsortedSegmentSum, which tfjs-wasm does not implement.
 */
function tfjsStep(cell: string, hidden: number) {
  return () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [T, V], units: E, useBias: false }),
        (cell === "gru" ? tf.layers.gru : tf.layers.lstm)({ units: hidden, returnSequences: true }),
        tf.layers.dense({ units: V }),
      ],
    });
    const optimizer = tf.train.adam(3e-3);
    const x = tf.oneHot(tf.randomUniform([B, T], 0, V, "int32", 1), V).toFloat();
    const y = tf.randomUniform([B, T], 0, V, "int32", 2);
    return {
      run: () => {
        const loss = optimizer.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              tf.oneHot(y.reshape([-1]), V),
              (model.apply(x) as tf.Tensor).reshape([B * T, V]),
            ),
          true,
        );
        loss?.dataSync();
        loss?.dispose();
      },
      dispose: () => {
        tf.dispose([x, y]);
        model.dispose();
        optimizer.dispose();
      },
    };
  };
}

/**
 * The char-LM training step of the demo (embedding 64, the recurrent layers, a linear head over 65
 * characters, cross-entropy, Adam, clipping at 5; batch 32 x 64 characters): nabla and PyTorch
 * each in a fresh process, so the peak memory shown is the step's own.
 */
function charLmCase(cell: "lstm" | "gru", layers: number, hidden: number, tfjs: boolean): Case {
  const name = `char-${cell.toUpperCase()} ${layers}x${hidden} step`;
  return {
    name,
    description: `${name}: embed ${E}, ${cell} ${layers}x${hidden}, batch ${B} x ${T}, Adam, clip 5 (forward, backward, update)`,
    throughput: { unit: "chars/s", work: B * T },
    setup: tfjs ? { "tfjs-wasm": tfjsStep(cell, hidden) } : {},
    external: {
      nabla: nablaChild(cell, layers, hidden, {}),
      "nabla-1t": nablaChild(cell, layers, hidden, { NABLA_NUM_THREADS: "1" }),
      "nabla-wasm": nablaChild(cell, layers, hidden, { NABLA_BACKEND: "wasm" }),
      torch: torchChild("torch", cell, layers, hidden),
      "torch-1t": torchChild("torch-1t", cell, layers, hidden),
    },
  };
}

export const charLmCases: Case[] = [
  charLmCase("lstm", 1, 256, true),
  charLmCase("gru", 1, 256, true),
  charLmCase("lstm", 2, 512, false),
];
