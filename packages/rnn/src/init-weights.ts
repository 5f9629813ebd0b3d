import { uniform } from "@nablajs/nn";
import { type DType, type Generator, zeros } from "@nablajs/tensor";
import type { CellWeights } from "./cells/steps.js";

/** Sizes and options shared by cells and layers when creating weights. */
export interface WeightConfig {
  inputSize: number;
  hiddenSize: number;
  /** Gates stacked in the weight matrices: 1 (RNN), 3 (GRU), 4 (LSTM). */
  gates: number;
  bias: boolean;
  dtype: DType;
  generator: Generator | undefined;
}

/**
 * Fresh weights initialised as PyTorch does: every parameter ~ U(-1/sqrt(H), 1/sqrt(H)), drawn in
 * the order W_ih, W_hh, b_ih, b_hh.
 */
export function initWeights(c: WeightConfig): CellWeights {
  const k = 1 / Math.sqrt(c.hiddenSize);
  const gh = c.gates * c.hiddenSize;
  const make = (shape: number[]) =>
    uniform(zeros(shape, { dtype: c.dtype }), -k, k, c.generator ? { generator: c.generator } : {});
  const wih = make([gh, c.inputSize]);
  const whh = make([gh, c.hiddenSize]);
  const bih = c.bias ? make([gh]) : null;
  const bhh = c.bias ? make([gh]) : null;
  return { wih, whh, bih, bhh };
}

/** Throws unless `v` is a positive integer. */
export function checkSize(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw new Error(`${op}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/** Throws unless `dtype` is a float dtype. */
export function checkFloatDType(op: string, dtype: DType): DType {
  if (dtype !== "float32" && dtype !== "float64")
    throw new Error(`${op}: dtype must be float32 or float64, got ${String(dtype)}`);
  return dtype;
}
