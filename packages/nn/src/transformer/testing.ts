// Test helpers for the attention layers: the PyTorch fixtures of tooling/testing/fixtures/pytorch
// (README.attention.md gives their schema) as nabla tensors.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DType, Tensor } from "@nablajs/tensor";

/** A tensor as attention.json stores it: float data ("-inf" as a string) or a bool 0/1 mask. */
export interface AttnTensor {
  shape: number[];
  dtype?: "bool";
  data: (number | string)[];
}

const dir = join(dirname(fileURLToPath(import.meta.url)), "../../../../tooling/testing/fixtures/pytorch");

/** The cases of attention.json or attention2.json. */
export function attentionCases(file: "attention" | "attention2"): any[] {
  return JSON.parse(readFileSync(join(dir, `${file}.json`), "utf8")).cases;
}

/** A fixture tensor as a nabla Tensor: floats in `dtype`, bool masks as int32 0/1. */
export function fx(t: AttnTensor, dtype: DType = "float64"): Tensor {
  const values = t.data.map((v) =>
    v === "-inf" ? Number.NEGATIVE_INFINITY : v === "inf" ? Number.POSITIVE_INFINITY : Number(v),
  );
  if (t.dtype === "bool") return new Tensor(Int32Array.from(values), t.shape);
  return new Tensor(dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values), t.shape);
}

/** fx for an optional fixture tensor. */
export const fxOpt = (t: AttnTensor | null | undefined, dtype: DType = "float64"): Tensor | null =>
  t === null || t === undefined ? null : fx(t, dtype);
