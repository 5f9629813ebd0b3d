import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DType, type Tensor, tensor } from "@nablajs/tensor";

/** A tensor as the PyTorch fixtures store it. */
export interface FixtureTensor {
  shape: number[];
  dtype: "float64" | "int32";
  data: number[];
}

export type FixtureName =
  | "ops"
  | "losses"
  | "optim"
  | "clip"
  | "rnn"
  | "second_order"
  | "lbfgs"
  | "lbfgs2"
  | "schedulers";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "pytorch");
const cache = new Map<string, unknown>();

/**
 * The cases of one PyTorch fixture file (copied from ../shared/fixtures/pytorch: PyTorch 1.13,
 * float64; see fixtures/pytorch/README.md for the schema; lbfgs2 and schedulers are written by
 * fixtures/pytorch/generate_optim2.py, see README.optim2.md).
 */
export function loadFixture<T = any>(name: FixtureName): { generator: string; cases: T[] } {
  if (!cache.has(name)) cache.set(name, JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")));
  return cache.get(name) as { generator: string; cases: T[] };
}

export function isFixtureTensor(x: unknown): x is FixtureTensor {
  return typeof x === "object" && x !== null && "shape" in x && "data" in x && "dtype" in x;
}

/** A fixture tensor as a nabla Tensor (float data in `dtype`, default float64; int32 stays int32). */
export function fromFixture(f: FixtureTensor, dtype: DType = "float64"): Tensor {
  const dt = f.dtype === "int32" ? "int32" : dtype;
  return tensor(f.data, { dtype: dt, shape: f.shape });
}
