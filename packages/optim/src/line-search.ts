import { dot, type Round } from "./flat.js";
import type { FloatArray } from "./optimizer.js";

/**
 * The minimiser of the cubic through `(x1, f1)` and `(x2, f2)` with slopes `g1` and `g2`,
 * clamped to `bounds` (default: the interval between x1 and x2); the bounds' midpoint when the
 * cubic has no minimum. As torch.optim.lbfgs._cubic_interpolate (from minFunc's polyinterp):
 * `d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2)`, `d2 = sqrt(d1^2 - g1 g2)`,
 * `x = x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2)` (x2 the farther point).
 * Nocedal & Wright, "Numerical Optimization", eq. 3.59.
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/** The loss and flat gradient at `x + t d` (the parameters are restored after). */
export type DirectionalObjective = (t: number) => [number, FloatArray];

/** Constants of the strong-Wolfe line search (PyTorch's defaults). */
export interface StrongWolfeOptions {
  /** Sufficient decrease (Armijo) constant (1e-4). */
  c1?: number;
  /** Curvature constant (0.9). */
  c2?: number;
  /** Smallest bracket width, in units of max|d| (1e-9). */
  toleranceChange?: number;
  /** Most evaluations after the first (25). */
  maxLs?: number;
  /** Rounding of scalars to the parameters' precision (none for float64). */
  round?: Round;
}

/** What the line search found: the loss and gradient at the step `t`, and the evaluations it took. */
export interface LineSearchResult {
  loss: number;
  grad: FloatArray;
  t: number;
  evals: number;
}

/**
 * A step length `t` along the descent direction `d` satisfying the strong Wolfe conditions
 * `f(x + t d) <= f + c1 t g.d` and `|g(x + t d).d| <= c2 |g.d|`: a bracketing phase that grows `t`
 * by cubic extrapolation, then a zoom by cubic interpolation (Nocedal & Wright, Algorithms 3.5 and
 * 3.6). A faithful port of torch.optim.lbfgs._strong_wolfe (itself from minFunc/lswolfe.lua),
 * including its safeguards: trial points within 10% of a bracket end move 10% inside, and the
 * search stops when the bracket is narrower than `toleranceChange / max|d|`.
 */
export function strongWolfe(
  obj: DirectionalObjective,
  t: number,
  d: FloatArray,
  f: number,
  g: FloatArray,
  gtd: number,
  opts: StrongWolfeOptions = {},
): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25, round = (x: number) => x } = opts;
  let dNorm = 0;
  for (let i = 0; i < d.length; i++) dNorm = Math.max(dNorm, Math.abs(d[i]!));
  let [fNew, gNew] = obj(t);
  let evals = 1;
  let gtdNew = round(dot(gNew, d));

  // Bracket an interval containing a point satisfying the Wolfe conditions.
  let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g, gtd];
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: FloatArray[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    // extrapolate
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
    [fNew, gNew] = obj(t);
    evals += 1;
    gtdNew = round(dot(gNew, d));
    lsIter += 1;
  }
  if (lsIter === maxLs)
    [bracket, bracketF, bracketG] = [
      [0, t],
      [f, fNew],
      [g, gNew],
    ];

  // Zoom: shrink the bracket until a point satisfies the conditions.
  let insufficientProgress = false;
  let [low, high] = bracketF[0]! <= bracketF.at(-1)! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(
      bracket[0]!,
      bracketF[0]!,
      bracketGtd[0]!,
      bracket[1]!,
      bracketF[1]!,
      bracketGtd[1]!,
    );
    // NOTE: a trial point near an end of the bracket makes little progress; after one such
    // point (or one outside the bracket) the next moves 10% of the bracket inside.
    const bMax = Math.max(...bracket);
    const bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufficientProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufficientProgress = false;
      } else insufficientProgress = true;
    } else insufficientProgress = false;

    [fNew, gNew] = obj(t);
    evals += 1;
    gtdNew = round(dot(gNew, d));
    lsIter += 1;

    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]!) {
      // Armijo fails or no lower than the lowest point: the new point is the high end
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, gNew, gtdNew];
      [low, high] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high]! - bracket[low]!) >= 0) {
        // the old high end becomes the new low end
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [
          bracket[low]!,
          bracketF[low]!,
          bracketG[low]!,
          bracketGtd[low]!,
        ];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, gNew, gtdNew];
    }
  }
  return { loss: bracketF[low]!, grad: bracketG[low]!, t: bracket[low]!, evals };
}
