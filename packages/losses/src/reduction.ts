import { div, sum, type Tensor } from "@nablajs/tensor";

/** How per-element losses are combined: averaged, summed, or returned as they are. */
export type Reduction = "mean" | "sum" | "none";

/** Checks `reduction` and returns it (default `'mean'`). */
export function checkReduction(op: string, reduction: unknown = "mean"): Reduction {
  if (reduction === "mean" || reduction === "sum" || reduction === "none") return reduction;
  throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}

/** Applies a reduction to per-element losses; `'mean'` divides by `count` (default: the element count). */
export function reduce(losses: Tensor, reduction: Reduction, count = losses.size): Tensor {
  if (reduction === "none") return losses;
  const total = sum(losses);
  return reduction === "sum" ? total : div(total, count);
}
