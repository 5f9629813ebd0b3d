import type { Optimizer } from "../optimizer.js";
import { checkInteger, LRScheduler, type SchedulerState } from "./lr-scheduler.js";

/** Options of `CosineAnnealingWarmRestarts`. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs until the first restart (a positive integer). */
  t0: number;
  /** Factor by which each period grows after a restart (an integer >= 1, default 1). */
  tMult?: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
  lastEpoch?: number;
}

/** A warm-restarts schedule's progress: the saved `SchedulerState` and the position in the period. */
export interface WarmRestartsState extends SchedulerState {
  tCur: number;
  tI: number;
}

/**
 * Cosine annealing with warm restarts (SGDR), as torch's CosineAnnealingWarmRestarts:
 * `lr = etaMin + (lr_0 - etaMin) (1 + cos(pi T_cur / T_i)) / 2`, where `T_cur` counts the
 * epochs since the last restart and the period `T_i` starts at `t0` and is multiplied by `tMult`
 * at each restart. `step()` advances one epoch; `step(epoch)` jumps to a (possibly fractional)
 * epoch, so it can be called after every batch with `epoch + batch / batches`.
 * NOTE: for `step(epoch)` with `tMult > 1`, PyTorch finds the period by a floating-point
 * logarithm that misses some restarts at their exact epoch (tMult 3, epoch 121); here the
 * periods are added up instead. Loshchilov & Hutter 2017, https://arxiv.org/abs/1608.03983
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  /** Epochs since the last restart (fractional after `step(epoch)`). */
  tCur: number;
  /** The current period. */
  tI: number;

  constructor(optimizer: Optimizer<any, any>, opts: CosineAnnealingWarmRestartsOptions) {
    const lastEpoch = opts?.lastEpoch ?? -1;
    super(optimizer, lastEpoch, "CosineAnnealingWarmRestarts");
    const { t0, tMult = 1, etaMin = 0 } = opts;
    checkInteger("CosineAnnealingWarmRestarts", "t0", t0, 1);
    checkInteger("CosineAnnealingWarmRestarts", "tMult", tMult, 1);
    if (typeof etaMin !== "number" || !Number.isFinite(etaMin))
      throw new Error(`CosineAnnealingWarmRestarts: etaMin must be a finite number, got ${etaMin}`);
    this.t0 = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tI = t0;
    this.tCur = 0;
    if (lastEpoch === -1) this.initialStep();
    else {
      // resuming: move to the next epoch by the closed form, as step() on the saved schedule
      this.stepCount = 1;
      this.updateLr(lastEpoch + 1);
    }
  }

  protected computeLr(): number[] {
    const c = 1 + Math.cos((Math.PI * this.tCur) / this.tI);
    return this.baseLrs.map((lr) => this.etaMin + ((lr - this.etaMin) * c) / 2);
  }

  /** Advances one epoch, or jumps to `epoch` (which may be fractional). */
  override step(epoch?: number): void {
    this.stepCount += 1;
    this.updateLr(epoch);
  }

  override updateLr(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      if (typeof epoch !== "number" || !(epoch >= 0) || epoch === Infinity) {
        throw new Error(`CosineAnnealingWarmRestarts: expected a finite epoch >= 0, got ${epoch}`);
      }
      [this.tCur, this.tI] = this.position(epoch);
    }
    this.lastEpoch = Math.floor(epoch);
    const lrs = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
    this.lastLr = this.groupLrs();
  }

  /** [T_cur, T_i] at `epoch`: the periods t0, t0 tMult, t0 tMult^2, ... laid end to end. */
  private position(epoch: number): [number, number] {
    const { t0, tMult } = this;
    if (tMult === 1) return [epoch % t0, t0];
    let start = 0;
    let period = t0;
    while (epoch >= start + period) {
      start += period;
      period *= tMult;
    }
    return [epoch - start, period];
  }

  override stateDict(): WarmRestartsState {
    return { ...super.stateDict(), tCur: this.tCur, tI: this.tI };
  }

  override loadStateDict(state: WarmRestartsState): void {
    super.loadStateDict(state);
    this.tCur = state.tCur;
    this.tI = state.tI;
  }
}
