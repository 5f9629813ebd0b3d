import { Generator, randn, type Tensor, tensor, toTypedArray } from "@nablajs/tensor";
import { tf } from "./tfjs.js";

/** Seeded float32 normal values scaled by `scale`: the same numbers go to nabla and to tfjs. */
export function normal(shape: readonly number[], seed: number, scale = 1): Float32Array {
  const values = toTypedArray(randn(shape, { generator: new Generator(seed) })) as Float32Array;
  if (scale !== 1) for (let i = 0; i < values.length; i++) values[i]! *= scale;
  return values;
}

/** A nabla float32 tensor over `values`. */
export function nablaTensor(values: Float32Array, shape: readonly number[], requiresGrad = false): Tensor {
  return tensor(values, { shape: [...shape], requiresGrad });
}

/** A tfjs float32 tensor over a copy of `values` on the current backend. */
export function tfTensor(values: Float32Array, shape: readonly number[]): tf.Tensor {
  return tf.tensor(values, [...shape], "float32");
}

/** A trainable tfjs variable over a copy of `values` on the current backend. */
export function tfVariable(values: Float32Array, shape: readonly number[]): tf.Variable {
  const init = tf.tensor(values, [...shape], "float32");
  const v = tf.variable(init);
  init.dispose();
  return v;
}

/** Computes `make()` on first use only, so unselected cases allocate nothing. */
export function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

let sink: unknown;
/** Stores a result where the optimiser cannot prove it unused; returns it. */
export function keep<T>(x: T): T {
  sink = x;
  return sink as T;
}
