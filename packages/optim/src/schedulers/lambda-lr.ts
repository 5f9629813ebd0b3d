import type { Optimizer } from "../optimizer.js";
import { LRScheduler } from "./lr-scheduler.js";

/** A function of the epoch giving the factor of the initial lr. */
export type LrLambda = (epoch: number) => number;

/**
 * Sets each group's learning rate to its initial lr times a function of the epoch, as torch's
 * LambdaLR: `lr_t = lr_0 * lambda(t)`; one function for all groups or one per group. The
 * functions are code, not state: `stateDict()` saves only the progress, so rebuild the schedule
 * with the same functions before loading it. https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.LambdaLR.html
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer<any, any>, opts: { lrLambda: LrLambda | LrLambda[]; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch ?? -1, "LambdaLR");
    const groups = optimizer.paramGroups.length;
    const f = opts.lrLambda;
    if (Array.isArray(f)) {
      if (f.length !== groups) throw new Error(`LambdaLR: expected ${groups} lrLambdas, got ${f.length}`);
    }
    const fs = Array.isArray(f) ? f : new Array<LrLambda>(groups).fill(f);
    fs.forEach((fn, i) => {
      if (typeof fn !== "function")
        throw new Error(
          `LambdaLR: lrLambda${Array.isArray(f) ? `[${i}]` : ""} must be a function, got ${typeof fn}`,
        );
    });
    this.lrLambdas = fs.slice();
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i]!(this.lastEpoch));
  }
}
