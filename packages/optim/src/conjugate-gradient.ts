/** Options of `conjugateGradient`. */
export interface ConjugateGradientOptions {
  /** Most iterations (products with A). */
  maxIter: number;
  /** Stop when the residual `|b - A x| <= tolerance |b|` (0: never). */
  tolerance?: number;
  /**
   * Martens' relative-progress test (0: off): stop at iteration i > k = max(10, i / 10) when the
   * quadratic `phi(x) = x.A x / 2 - b.x` is negative and fell by less than `k progressTolerance`
   * of itself over the last k iterations.
   */
  progressTolerance?: number;
  /** The starting point (default zeros); not modified. */
  x0?: Float64Array;
}

/** Why conjugate gradient stopped. */
export type CGStop = "converged" | "progress" | "maxIter" | "negativeCurvature";

/** The approximate solution, `A x`, and how the iteration ended. */
export interface ConjugateGradientResult {
  x: Float64Array;
  /** `A x` (exact up to rounding: updated alongside x). */
  ax: Float64Array;
  iterations: number;
  stop: CGStop;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * Solves `A x = b` for a symmetric `A` given only as a product `v -> A v`, by conjugate
 * gradient (Hestenes & Stiefel 1952; Nocedal & Wright, Algorithm 5.2):
 * ```
 * r = b - A x;  p = r
 * repeat:  alpha = r.r / p.A p;  x += alpha p;  r -= alpha A p;  p = r + (r.r_new / r.r_old) p
 * ```
 * In exact arithmetic it reaches the solution of an n x n positive definite system in at most n
 * iterations (in fewer, the number of distinct eigenvalues). Truncated as in Hessian-free
 * optimization (Martens 2010, https://www.cs.toronto.edu/~jmartens/docs/Deep_HessianFree.pdf):
 * it stops at `maxIter`, at a small residual, when the quadratic stops making progress, or at a
 * direction of non-positive curvature `p.A p <= 0` (then x is the last iterate, or `b` itself if
 * there is none: a descent direction of the quadratic).
 */
export function conjugateGradient(
  matvec: (v: Float64Array) => Float64Array,
  b: Float64Array,
  opts: ConjugateGradientOptions,
): ConjugateGradientResult {
  const { maxIter, tolerance = 0, progressTolerance = 0 } = opts;
  const n = b.length;
  const x = opts.x0 === undefined ? new Float64Array(n) : Float64Array.from(opts.x0);
  const ax = opts.x0 === undefined ? new Float64Array(n) : matvec(x);
  const r = b.map((v, i) => v - ax[i]!);
  const p = Float64Array.from(r);
  let rr = dot(r, r);
  const stopAt = tolerance * tolerance * dot(b, b);
  const phis: number[] = []; // phi(x_i) = -x.(b + r) / 2
  let i = 0;
  let stop: CGStop = "maxIter";
  while (i < maxIter) {
    if (rr <= stopAt) {
      stop = "converged";
      break;
    }
    const ap = matvec(p);
    const curvature = dot(p, ap);
    if (!(curvature > 0)) {
      stop = "negativeCurvature";
      if (i === 0 && opts.x0 === undefined) {
        x.set(b);
        ax.set(matvec(b));
      }
      break;
    }
    const alpha = rr / curvature;
    for (let j = 0; j < n; j++) {
      x[j] = x[j]! + alpha * p[j]!;
      ax[j] = ax[j]! + alpha * ap[j]!;
      r[j] = r[j]! - alpha * ap[j]!;
    }
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    rr = rrNew;
    for (let j = 0; j < n; j++) p[j] = r[j]! + beta * p[j]!;
    i += 1;
    if (progressTolerance > 0) {
      let phi = 0;
      for (let j = 0; j < n; j++) phi -= (x[j]! * (b[j]! + r[j]!)) / 2;
      phis.push(phi);
      const k = Math.max(10, Math.floor(i / 10));
      if (i > k && phi < 0 && (phi - phis[i - 1 - k]!) / phi < k * progressTolerance) {
        stop = "progress";
        break;
      }
    }
  }
  if (stop === "maxIter" && rr <= stopAt) stop = "converged";
  return { x, ax, iterations: i, stop };
}
