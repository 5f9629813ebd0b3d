import type { Optimizer } from "../optimizer.js";
import { checkInteger, LRScheduler } from "./lr-scheduler.js";

/** Options of `LinearLR`. */
export interface LinearLROptions {
  /** Factor of the initial lr at epoch 0 (default 1/3; in (0, 1]). */
  startFactor?: number;
  /** Factor reached at `totalIters` and kept after (default 1; in [0, 1]). */
  endFactor?: number;
  /** Epochs over which the factor moves linearly (default 5). */
  totalIters?: number;
  lastEpoch?: number;
}

/**
 * Scales the learning rate by a factor moving linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs, as torch's LinearLR (a warm-up with the defaults):
 * `lr_t = lr_0 (s + (e - s) min(t, T) / T)`.
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer<any, any>, opts: LinearLROptions = {}) {
    super(optimizer, opts.lastEpoch ?? -1, "LinearLR");
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = opts;
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new Error(`LinearLR: startFactor must be in (0, 1], got ${startFactor}`);
    }
    if (!(endFactor >= 0 && endFactor <= 1))
      throw new Error(`LinearLR: endFactor must be in [0, 1], got ${endFactor}`);
    checkInteger("LinearLR", "totalIters", totalIters, 1);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: T } = this;
    if (t === 0) return this.groupLrs().map((lr) => lr * s);
    if (t > T) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1 + (e - s) / (T * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: T } = this;
    return this.baseLrs.map((lr) => lr * (s + ((e - s) * Math.min(T, this.lastEpoch)) / T));
  }
}
