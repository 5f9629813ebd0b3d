import { enableGrad, type Tensor } from "@nablajs/tensor";
import {
  addToParams,
  dot,
  gatherFlatGrad,
  gatherFlatParams,
  maxAbs,
  numel,
  type Round,
  roundFor,
  setFlatParams,
  sumAbs,
  zerosVec,
} from "./flat.js";
import { lbfgsDirection, updateHistory } from "./lbfgs-direction.js";
import { type LBFGSMemory, memoryFromState, memoryToState } from "./lbfgs-state.js";
import { strongWolfe } from "./line-search.js";
import {
  type FloatArray,
  type LrOptions,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroupInput,
  type ParamState,
  type Params,
} from "./optimizer.js";
import { closureLoss, positive, positiveInteger } from "./validate.js";

/** Options of `LBFGS` (torch.optim.LBFGS's, in camelCase). */
export interface LBFGSOptions extends LrOptions {
  /** Step length: the first trial step of each line search, or the fixed step without one (default 1). */
  lr: number;
  /** Most iterations per `step()` (default 20). */
  maxIter: number;
  /** Most closure evaluations per `step()` (default `floor(maxIter * 5 / 4)`). */
  maxEval: number;
  /** Stop when `max|g| <= toleranceGrad` (default 1e-7). */
  toleranceGrad: number;
  /** Stop when a step, or the change of the loss, is below this (default 1e-9). */
  toleranceChange: number;
  /** How many curvature pairs to remember (default 100). */
  historySize: number;
  /** `"strong_wolfe"` for a line search satisfying the strong Wolfe conditions, or null for fixed steps `lr` (default null). */
  lineSearchFn: "strong_wolfe" | null;
}

/**
 * Limited-memory BFGS, as torch.optim.LBFGS (itself after minFunc): each `step(closure)` runs up
 * to `maxIter` iterations of
 * ```
 * d = -H g                      (two-loop recursion over the last historySize pairs, H_0 = (y.s / y.y) I)
 * t = lr (first iteration ever: min(1, 1 / |g|_1) lr), or a strong-Wolfe line search from it
 * x += t d;  y = g_new - g,  s = t d  (kept when y.s > 1e-10)
 * ```
 * stopping early when `max|g| <= toleranceGrad`, `g.d > -toleranceChange`, `max|t d| <=
 * toleranceChange`, `|f_new - f| < toleranceChange` or after `maxEval` evaluations. The closure
 * zeroes the gradients, computes the loss, calls `backward()` and returns the loss; `step`
 * returns the loss of the first evaluation (before the step), as PyTorch. All parameters form one
 * group, are seen as one flat vector and must share a dtype. The state (the curvature pairs, the
 * last direction and step, counters) is kept across steps and saved by `stateDict()`.
 * Liu & Nocedal 1989, https://doi.org/10.1007/BF01589116;
 * https://pytorch.org/docs/1.13/generated/torch.optim.LBFGS.html
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  private memory: LBFGSMemory | null = null;

  constructor(params: Params<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    const maxIter = options.maxIter ?? 20;
    const maxEval = options.maxEval ?? (Number.isInteger(maxIter) ? Math.floor((maxIter * 5) / 4) : maxIter);
    super(
      params,
      {
        lr: 1,
        toleranceGrad: 1e-7,
        toleranceChange: 1e-9,
        historySize: 100,
        lineSearchFn: null,
        ...options,
        maxIter,
        maxEval,
      },
      "LBFGS",
    );
  }

  protected validate(o: LBFGSOptions): void {
    positive("LBFGS", "lr", o.lr);
    positiveInteger("LBFGS", "maxIter", o.maxIter);
    positiveInteger("LBFGS", "maxEval", o.maxEval);
    if (!(typeof o.toleranceGrad === "number" && o.toleranceGrad >= 0))
      throw new Error(`LBFGS: toleranceGrad must be a number >= 0, got ${o.toleranceGrad}`);
    if (!(typeof o.toleranceChange === "number" && o.toleranceChange >= 0))
      throw new Error(`LBFGS: toleranceChange must be a number >= 0, got ${o.toleranceChange}`);
    positiveInteger("LBFGS", "historySize", o.historySize);
    if (o.lineSearchFn !== null && o.lineSearchFn !== "strong_wolfe") {
      throw new Error(
        `LBFGS: lineSearchFn must be "strong_wolfe" or null, got ${JSON.stringify(o.lineSearchFn)}`,
      );
    }
  }

  override addParamGroup(group: ParamGroupInput<LBFGSOptions>): void {
    if (this.paramGroups.length > 0)
      throw new Error("LBFGS: doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
    const params = this.paramGroups[0]!.params;
    const other = params.find((p) => p.dtype !== params[0]!.dtype);
    if (other !== undefined) {
      this.paramGroups.pop();
      throw new Error(
        `LBFGS: all parameters must share one dtype, got ${params[0]!.dtype} and ${other.dtype}`,
      );
    }
  }

  protected initState(): ParamState {
    return {};
  }

  protected update(): void {
    throw new Error("LBFGS: step(closure) evaluates the loss itself; call it with a closure");
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations. `closure` zeroes the gradients, computes the loss,
   * calls `backward()` and returns the loss; the loss of its first call is returned.
   */
  override step(closure?: () => Tensor): Tensor {
    if (typeof closure !== "function") {
      throw new Error(
        "LBFGS: step(closure) needs a closure that zeroes the gradients, computes the loss, calls backward() and returns it",
      );
    }
    const group = this.paramGroups[0]!;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const params = group.params;
    const dtype = params[0]!.dtype;
    const round = roundFor(dtype);
    const n = numel(params);
    const evaluate = (): Tensor => closureLoss("LBFGS", enableGrad(closure));
    const flatGrad = () => gatherFlatGrad("LBFGS", params, zerosVec(dtype, n));
    const m = (this.memory ??= { funcEvals: 0, nIter: 0 });
    // NOTE: PyTorch compares a float32 vector's norms with the tolerances rounded to float32.
    const tolGrad = round(toleranceGrad);

    const origLoss = evaluate();
    let loss = origLoss.item();
    let currentEvals = 1;
    m.funcEvals += 1;
    let g = flatGrad();
    let optCond = maxAbs(g) <= tolGrad;
    if (optCond) return origLoss;

    let { d, t, prevFlatGrad, prevLoss, history } = m;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      m.nIter += 1;
      if (m.nIter === 1) {
        d = g.map((v) => -v) as FloatArray;
        history = { oldDirs: [], oldStps: [], ro: [], hDiag: 1 };
      } else {
        const y = g.map((v, i) => v - prevFlatGrad![i]!) as FloatArray;
        const s = d!.map((v) => v * t!) as FloatArray;
        updateHistory(history!, y, s, historySize, round);
        m.al ??= new Array<number>(historySize).fill(0);
        d = lbfgsDirection(g, history!, m.al, round);
      }
      prevFlatGrad = g.slice() as FloatArray;
      prevLoss = loss;
      t = m.nIter === 1 ? firstStep(g, lr, round) : lr;
      const gtd = round(dot(g, d!));
      if (gtd > round(-toleranceChange)) break;

      let lsEvals = 0;
      if (lineSearchFn === "strong_wolfe") {
        const x = gatherFlatParams(params, zerosVec(dtype, n));
        const dir = d!;
        const objective = (step: number): [number, FloatArray] => {
          addToParams(params, step, dir);
          const value = evaluate().item();
          const grad = flatGrad();
          setFlatParams(params, x);
          return [value, grad];
        };
        const r = strongWolfe(objective, t, dir, loss, g, gtd, { round });
        [loss, g, t, lsEvals] = [r.loss, r.grad, r.t, r.evals];
        addToParams(params, t, dir);
        optCond = maxAbs(g) <= tolGrad;
      } else {
        addToParams(params, t, d!);
        if (nIter !== maxIter) {
          // not re-evaluated on the last iteration (in a stochastic setting it would be wasted)
          loss = evaluate().item();
          g = flatGrad();
          optCond = maxAbs(g) <= tolGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      m.funcEvals += lsEvals;

      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (maxStep(d!, t, round) <= round(toleranceChange)) break; // lack of progress
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(m, { d, t, prevFlatGrad, prevLoss, history });
    return origLoss;
  }

  /** Options, and the state (history, last direction and step, counters) under parameter 0 in PyTorch's names. */
  override stateDict(): OptimizerStateDict {
    const dict = super.stateDict();
    if (this.memory !== null)
      dict.state[0] = memoryToState(this.memory, this.paramGroups[0]!.params[0]!.dtype);
    return dict;
  }

  /** Restores `stateDict()` of an LBFGS over parameters of the same total size. */
  override loadStateDict(dict: OptimizerStateDict): void {
    const params = this.paramGroups[0]!.params;
    const keys = Object.keys(dict?.state ?? {});
    if (keys.some((k) => k !== "0"))
      throw new Error(`LBFGS: keeps its state under parameter 0, got state for [${keys.join(", ")}]`);
    const s = dict?.state?.[0];
    const memory = s === undefined ? null : memoryFromState(s, params[0]!.dtype, numel(params));
    super.loadStateDict({ ...dict, state: {} });
    this.memory = memory;
  }
}

/** The first step length ever: `min(1, 1 / |g|_1) lr` (its scale is unknown before any curvature). */
function firstStep(g: FloatArray, lr: number, round: Round): number {
  const inv = round(1 / round(sumAbs(g)));
  return inv < 1 ? round(inv * lr) : lr;
}

/** `max|t d|`, the largest change of a parameter in the last step. */
function maxStep(d: FloatArray, t: number, round: Round): number {
  let m = 0;
  for (let i = 0; i < d.length; i++) m = Math.max(m, Math.abs(round(d[i]! * t)));
  return m;
}
