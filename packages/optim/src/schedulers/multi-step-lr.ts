import { powInt } from "../fma.js";
import type { Optimizer } from "../optimizer.js";
import { LRScheduler } from "./lr-scheduler.js";

/**
 * Multiplies the learning rate by `gamma` at each milestone epoch, as torch's MultiStepLR:
 * `lr_t = lr_0 gamma^(number of milestones <= t)`; a milestone listed twice counts twice.
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.MultiStepLR.html
 */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted. */
  readonly milestones: number[];
  readonly gamma: number;

  constructor(
    optimizer: Optimizer<any, any>,
    opts: { milestones: number[]; gamma?: number; lastEpoch?: number },
  ) {
    super(optimizer, opts?.lastEpoch ?? -1, "MultiStepLR");
    const { milestones, gamma = 0.1 } = opts;
    if (!Array.isArray(milestones) || !milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      const got = Array.isArray(milestones) ? `[${milestones.join(", ")}]` : milestones;
      throw new Error(`MultiStepLR: milestones must be an array of integers >= 0, got ${got}`);
    }
    if (typeof gamma !== "number" || !(gamma > 0))
      throw new Error(`MultiStepLR: gamma must be a positive number, got ${gamma}`);
    this.milestones = milestones.slice().sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * powInt(this.gamma, hits));
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length; // bisect right
    return this.baseLrs.map((lr) => lr * powInt(this.gamma, passed));
  }
}
