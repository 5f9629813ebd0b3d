import type { Optimizer } from "../optimizer.js";
import { checkInteger, LRScheduler } from "./lr-scheduler.js";

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs, as torch's StepLR:
 * `lr_t = lr_0 gamma^floor(t / stepSize)`.
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(
    optimizer: Optimizer<any, any>,
    opts: { stepSize: number; gamma?: number; lastEpoch?: number },
  ) {
    super(optimizer, opts?.lastEpoch ?? -1, "StepLR");
    checkInteger("StepLR", "stepSize", opts.stepSize, 1);
    this.stepSize = opts.stepSize;
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
