import { contiguousData, type Tensor } from "@nablajs/tensor";

/** Gradient norms of one step, before clipping. */
export interface GradNorms {
  /** The global 2-norm: sqrt(sum_i |g_i|^2) over every parameter, what clipping compares to `clip`. */
  total: number;
  /** Each parameter tensor's 2-norm |g_i|, by name (`lstm.weight_hh_l0`, ...). */
  perParam: Record<string, number>;
}

/** The 2-norm of each named parameter's gradient and the global norm (0 for a missing gradient). */
export function gradNorms(named: readonly [string, Tensor][]): GradNorms {
  const perParam: Record<string, number> = {};
  let sq = 0;
  for (const [name, p] of named) {
    let s = 0;
    if (p.grad !== null) {
      const d = contiguousData(p.grad);
      for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
    }
    perParam[name] = Math.sqrt(s);
    sq += s;
  }
  return { total: Math.sqrt(sq), perParam };
}

/** Thrown by a training step whose loss or gradient has blown up; the weights were not updated by it. */
export class DivergenceError extends Error {
  constructor(
    readonly step: number,
    readonly why: string,
    readonly lr: number,
  ) {
    super(`training diverged at step ${step}: ${why}`);
  }
}

/**
 * Why training has diverged, or null: a loss or gradient norm that is not finite, or a mean loss
 * over the last `recent` steps above 2 ln V + 1, twice a uniform guess over the vocabulary (a
 * model that starts near ln V and is learning never goes there; one whose updates explode does).
 */
export function divergence(
  loss: number,
  gradNorm: number,
  recent: readonly number[],
  vocabSize: number,
): string | null {
  if (!Number.isFinite(loss)) return `the loss is ${loss}`;
  if (!Number.isFinite(gradNorm)) return `the gradient norm is ${gradNorm}`;
  const limit = 2 * Math.log(vocabSize) + 1;
  if (recent.length >= 10) {
    const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
    if (mean > limit)
      return `the loss averages ${fmt(mean)} over the last ${recent.length} steps, far above a uniform guess (ln ${vocabSize} = ${Math.log(vocabSize).toFixed(2)})`;
  }
  return null;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(2));
