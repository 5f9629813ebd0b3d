import { Tensor } from "@nablajs/tensor";
import { Optimizer } from "../optimizer.js";
import { checkInteger } from "./lr-scheduler.js";

/** Options of `ReduceLROnPlateau`. */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (default): the metric should fall (a loss); `'max'`: it should rise (an accuracy). */
  mode?: "min" | "max";
  /** new lr = lr * factor (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Improvement needed to count as better (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): better than best * (1 -/+ threshold); `'abs'`: best -/+ threshold. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the learning rate by `factor` when a metric has stopped improving for more than
 * `patience` epochs, as torch's ReduceLROnPlateau. Call `step(metric)` once per epoch.
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer<any, any>;
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(optimizer: Optimizer<any, any>, opts: ReduceLROnPlateauOptions = {}) {
    if (!(optimizer instanceof Optimizer))
      throw new Error(`ReduceLROnPlateau: expected an Optimizer, got ${typeof optimizer}`);
    const { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel" } = opts;
    if (!(factor < 1)) throw new Error(`ReduceLROnPlateau: factor should be < 1.0, got ${factor}`);
    if (mode !== "min" && mode !== "max")
      throw new Error(`ReduceLROnPlateau: mode ${mode} is unknown (min or max)`);
    if (thresholdMode !== "rel" && thresholdMode !== "abs") {
      throw new Error(`ReduceLROnPlateau: threshold mode ${thresholdMode} is unknown (rel or abs)`);
    }
    checkInteger("ReduceLROnPlateau", "patience", patience, 0);
    checkInteger("ReduceLROnPlateau", "cooldown", opts.cooldown ?? 0, 0);
    const groups = optimizer.paramGroups.length;
    const minLr = opts.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== groups) {
      throw new Error(`ReduceLROnPlateau: expected ${groups} minLr values, got ${minLr.length}`);
    }
    this.optimizer = optimizer;
    this.cooldown = opts.cooldown ?? 0;
    this.eps = opts.eps ?? 1e-8;
    this.minLrs = Array.isArray(minLr) ? minLr.slice() : new Array(groups).fill(minLr);
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.best = mode === "min" ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { best, threshold: th } = this;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - th) : a < best - th;
    return this.thresholdMode === "rel" ? a > best * (th + 1) : a > best + th;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr if it has plateaued. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== "number")
      throw new Error(`ReduceLROnPlateau: metric must be a number, got ${typeof current}`);
    this.lastEpoch += 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i] ?? 0);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** Each group's current learning rate. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** The counters and best metric, to save in a checkpoint. */
  stateDict(): { best: number; numBadEpochs: number; cooldownCounter: number; lastEpoch: number } {
    const { best, numBadEpochs, cooldownCounter, lastEpoch } = this;
    return { best, numBadEpochs, cooldownCounter, lastEpoch };
  }

  /** Restores the counters saved by `stateDict()`. */
  loadStateDict(s: { best: number; numBadEpochs: number; cooldownCounter: number; lastEpoch: number }): void {
    Object.assign(this, {
      best: s.best,
      numBadEpochs: s.numBadEpochs,
      cooldownCounter: s.cooldownCounter,
      lastEpoch: s.lastEpoch,
    });
  }
}
