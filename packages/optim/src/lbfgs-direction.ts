import { axpy, dot, type Round } from "./flat.js";
import type { FloatArray } from "./optimizer.js";

/** The curvature pairs L-BFGS remembers, oldest first: `y_i = g_{i+1} - g_i`, `s_i = x_{i+1} - x_i`, `rho_i = 1 / y_i.s_i`. */
export interface LBFGSHistory {
  oldDirs: FloatArray[];
  oldStps: FloatArray[];
  ro: number[];
  /** `gamma = y.s / y.y` of the newest pair: the initial inverse Hessian is `gamma I`. */
  hDiag: number;
}

/**
 * Appends the pair `(y, s)` when its curvature `y.s` exceeds 1e-10 (dropping the oldest pair
 * beyond `historySize`) and rescales `hDiag = y.s / y.y`, as torch.optim.LBFGS; returns whether
 * the pair was kept.
 */
export function updateHistory(
  h: LBFGSHistory,
  y: FloatArray,
  s: FloatArray,
  historySize: number,
  round: Round,
): boolean {
  const ys = round(dot(y, s));
  if (!(ys > 1e-10)) return false;
  if (h.oldDirs.length === historySize) {
    h.oldDirs.shift();
    h.oldStps.shift();
    h.ro.shift();
  }
  h.oldDirs.push(y);
  h.oldStps.push(s);
  h.ro.push(round(1 / ys));
  h.hDiag = round(ys / round(dot(y, y)));
  return true;
}

/**
 * The L-BFGS direction `d = -H g` by the two-loop recursion (Nocedal 1980; Nocedal & Wright,
 * Algorithm 7.4), `H` the inverse Hessian approximation built from the remembered pairs on top
 * of `hDiag I`:
 * ```
 * q = -g;  for i = k-1..0: a_i = rho_i s_i.q;  q -= a_i y_i
 * r = hDiag q;  for i = 0..k-1: b_i = rho_i y_i.r;  r += (a_i - b_i) s_i
 * ```
 * in PyTorch's order of operations. `al` is scratch space of at least k entries.
 */
export function lbfgsDirection(g: FloatArray, h: LBFGSHistory, al: number[], round: Round): FloatArray {
  const k = h.oldDirs.length;
  const q = g.map((v) => -v) as FloatArray;
  for (let i = k - 1; i >= 0; i--) {
    al[i] = round(round(dot(h.oldStps[i]!, q)) * h.ro[i]!);
    axpy(-al[i]!, h.oldDirs[i]!, q);
  }
  const r = q.map((v) => v * h.hDiag) as FloatArray;
  for (let i = 0; i < k; i++) {
    const be = round(round(dot(h.oldDirs[i]!, r)) * h.ro[i]!);
    axpy(round(al[i]! - be), h.oldStps[i]!, r);
  }
  return r;
}
