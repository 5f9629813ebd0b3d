import { shapeStr } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { gradMode } from "./grad-mode.js";

/**
 * Runs `fn` (forward and backward) with anomaly detection: ops remember where they were called,
 * and backward raises an error naming the op and its call site when (1) an op's forward output
 * holds NaN although its inputs did not (log of a negative number, 0 * Inf), or (2) the gradient
 * an op passes to its inputs turns NaN or Inf (sqrt at 0). Slower; for debugging.
 */
export function detectAnomaly<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new Error(`detectAnomaly: fn must be a function, got ${typeof fn}`);
  const prev = gradMode.anomaly;
  gradMode.anomaly = true;
  try {
    return fn();
  } finally {
    gradMode.anomaly = prev;
  }
}

function has(t: Tensor, bad: (v: number) => boolean): boolean {
  const d = t.toTypedArray();
  for (let i = 0; i < d.length; i++) if (bad(d[i]!)) return true;
  return false;
}

const nan = (v: number) => Number.isNaN(v);
const nonFinite = (v: number) => !Number.isFinite(v);

function site(t: Tensor): string {
  return `The op was called at:\n${t.gradFn?.site ?? "(call site not recorded: run the forward inside detectAnomaly too)"}`;
}

/**
 * Before backward: the earliest recorded op (in `order`, inputs before outputs) whose output
 * holds NaN while none of its inputs do, so the error names the op that made the NaN.
 */
export function checkForward(order: readonly Tensor[]): void {
  for (const t of order) {
    const inputs = t.gradFn?.inputs;
    if (!inputs || !has(t, nan) || inputs.some((x) => x.dtype !== "int32" && has(x, nan))) continue;
    throw new Error(
      `detectAnomaly: the forward output ${shapeStr(t.shape)} of '${t.gradFn!.prim.name}' contains NaN although its inputs do not.\n${site(t)}`,
    );
  }
}

/** During backward: throws if the gradient `g` that op `t` passes to its input `i` holds NaN or Inf. */
export function checkGradient(t: Tensor, i: number, x: Tensor, g: Tensor): void {
  if (!has(g, nonFinite)) return;
  throw new Error(
    `detectAnomaly: the gradient of '${t.gradFn!.prim.name}' for its input ${i} ${shapeStr(x.shape)} contains NaN or Inf.\n${site(t)}`,
  );
}
