import { contiguousData, shapeStr, type Tensor } from "@nablajs/tensor";
import { checkFloat, checkTensor } from "./checks.js";
import { checkReduction, type Reduction } from "./reduction.js";

/** Options shared by the losses over class indices (`crossEntropy`, `nll`). */
export interface ClassLossOptions {
  /** `'mean'` (default) divides by the summed weight of the non-ignored targets, as PyTorch. */
  reduction?: Reduction;
  /** Targets equal to this value contribute nothing (default -100, as PyTorch). */
  ignoreIndex?: number;
  /** A rescaling weight per class, shape [C], the input's dtype. */
  weight?: Tensor;
}

/** Validated class targets, flattened to `rows` rows of `classes` classes. */
export interface ClassTargets {
  reduction: Reduction;
  rows: number;
  classes: number;
  /** The input's shape without the class axis: the shape of `reduction: 'none'`. */
  outShape: number[];
  /** Target class per row, or -1 for an ignored row. */
  y: Int32Array;
  /** Class weights, or null for all ones. */
  w: Float64Array | null;
  /** Sum of the weights of the non-ignored targets: the divisor of `'mean'`. */
  total: number;
}

/**
 * Checks `input` [..., C] (float) against int32 `targets` [...] and the options, and returns the
 * targets flattened with ignored rows marked -1.
 */
export function classTargets(
  op: string,
  input: unknown,
  targets: unknown,
  opts: ClassLossOptions,
  what = "input",
): ClassTargets {
  const x = checkFloat(op, input, what);
  const t = checkTensor(op, targets, "targets");
  if (t.dtype !== "int32") {
    throw new Error(
      `${op}: targets must be int32 class indices, got ${t.dtype} ${shapeStr(t.shape)}; convert with astype('int32')`,
    );
  }
  if (x.ndim === 0 || x.shape[x.ndim - 1] === 0) {
    throw new Error(`${op}: ${what} ${shapeStr(x.shape)} needs a class axis (the last) of size >= 1`);
  }
  const outShape = x.shape.slice(0, -1);
  if (t.shape.join() !== outShape.join()) {
    throw new Error(
      `${op}: targets ${shapeStr(t.shape)} do not match ${what} ${shapeStr(x.shape)}: expected ${shapeStr(outShape)} (the class axis is last)`,
    );
  }
  const reduction = checkReduction(op, opts.reduction);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex))
    throw new Error(`${op}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  const classes = x.shape[x.ndim - 1]!;
  let w: Float64Array | null = null;
  if (opts.weight !== undefined) {
    const wt = checkTensor(op, opts.weight, "weight");
    if (wt.dtype !== x.dtype || wt.shape.join() !== String(classes)) {
      throw new Error(
        `${op}: weight must be ${x.dtype} of shape [${classes}], got ${wt.dtype} ${shapeStr(wt.shape)}`,
      );
    }
    w = Float64Array.from(contiguousData(wt));
  }
  const src = contiguousData(t);
  const y = new Int32Array(src.length);
  let total = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === ignoreIndex) {
      y[i] = -1;
      continue;
    }
    if (c < 0 || c >= classes) {
      throw new Error(
        `${op}: target ${c} at flat position ${i} is out of range for ${classes} classes (ignoreIndex is ${ignoreIndex})`,
      );
    }
    y[i] = c;
    total += w === null ? 1 : w[c]!;
  }
  return { reduction, rows: y.length, classes, outShape, y, w, total };
}

/**
 * The per-row target distribution times the class weights, `q[i, c] = w_c ((1 - eps) [c = y_i] + eps / C)`,
 * as a dense [rows * C] array (all zeros for ignored rows).
 */
export function targetWeights(ct: ClassTargets, smoothing: number, out: Float64Array): Float64Array {
  const { rows, classes: C, y, w } = ct;
  for (let i = 0; i < rows; i++) {
    const yi = y[i]!;
    if (yi < 0) continue;
    if (smoothing > 0)
      for (let c = 0; c < C; c++) out[i * C + c] = (smoothing / C) * (w === null ? 1 : w[c]!);
    out[i * C + yi] = out[i * C + yi]! + (1 - smoothing) * (w === null ? 1 : w[yi]!);
  }
  return out;
}
