import type { Optimizer } from "../optimizer.js";
import { LRScheduler } from "./lr-scheduler.js";

/**
 * Cosine annealing from the initial lr down to `etaMin` over `tMax` epochs, as torch's
 * CosineAnnealingLR: `lr_t = etaMin + (lr_0 - etaMin) (1 + cos(pi t / tMax)) / 2`, applied
 * recursively (`lr_t` from `lr_{t-1}`) so it composes with other changes to the lr. Without
 * restarts: past `tMax` the cosine climbs back. Loshchilov & Hutter 2017, SGDR,
 * https://arxiv.org/abs/1608.03983
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer<any, any>, opts: { tMax: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch ?? -1, "CosineAnnealingLR");
    if (typeof opts.tMax !== "number" || !(opts.tMax > 0)) {
      throw new Error(`CosineAnnealingLR: tMax must be a positive number, got ${opts.tMax}`);
    }
    this.tMax = opts.tMax;
    this.etaMin = opts.etaMin ?? 0;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    if (t === 0) return this.groupLrs();
    const period = 2 * tMax;
    if ((((t - 1 - tMax) % period) + period) % period === 0) {
      // the bottom of the cosine, where the ratio below would be 0/0
      return this.groupLrs().map(
        (lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2,
      );
    }
    const ratio = (1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax));
    return this.groupLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const c = (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax)) / 2;
    return this.baseLrs.map((lr) => this.etaMin + (lr - this.etaMin) * c);
  }
}
