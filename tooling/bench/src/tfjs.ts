import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import type { Impl } from "./harness.js";

export { tf };

/**
 * Prepares TensorFlow.js for the run: production mode (no debug checks, no "install tfjs-node"
 * banner) and the wasm backend loading its binaries from the npm package. In Node the wasm
 * backend always picks the single-threaded SIMD binary (tfjs disables wasm threads in Node).
 */
export async function initTfjs(): Promise<{ version: string; wasmSimd: boolean }> {
  tf.enableProdMode();
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@tensorflow/tfjs-backend-wasm/package.json");
  setWasmPaths(`${join(dirname(pkg), "dist")}/`);
  if (!(await tf.setBackend("wasm"))) throw new Error("bench: tfjs wasm backend failed to initialise");
  const wasmSimd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) as boolean;
  if (!(await tf.setBackend("cpu"))) throw new Error("bench: tfjs cpu backend failed to initialise");
  return { version: tf.version.tfjs, wasmSimd };
}

/** Selects the tfjs backend for a tfjs column; a no-op for nabla. */
export async function selectBackend(impl: Impl): Promise<void> {
  if (impl === "nabla") return;
  const name = impl === "tfjs-cpu" ? "cpu" : "wasm";
  if (tf.getBackend() !== name) await tf.setBackend(name);
}

/** The number of live tfjs tensors, to catch a benchmark body that leaks. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
