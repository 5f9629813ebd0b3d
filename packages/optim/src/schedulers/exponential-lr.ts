import type { Optimizer } from "../optimizer.js";
import { LRScheduler } from "./lr-scheduler.js";

/** Multiplies the learning rate by `gamma` every epoch, as torch's ExponentialLR: `lr_t = lr_0 gamma^t`. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer<any, any>, opts: { gamma: number; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch ?? -1, "ExponentialLR");
    if (typeof opts.gamma !== "number" || !(opts.gamma > 0)) {
      throw new Error(`ExponentialLR: gamma must be a positive number, got ${opts.gamma}`);
    }
    this.gamma = opts.gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}
