import { shapeStr, Tensor } from "@nablajs/tensor";
import { zerosVec } from "./flat.js";
import type { LBFGSHistory } from "./lbfgs-direction.js";
import type { FloatArray, ParamState } from "./optimizer.js";

/** What LBFGS keeps between steps (PyTorch's `state[params[0]]`). */
export interface LBFGSMemory {
  funcEvals: number;
  nIter: number;
  d?: FloatArray;
  t?: number;
  prevFlatGrad?: FloatArray;
  prevLoss?: number;
  history?: LBFGSHistory;
  /** Scratch for the two-loop recursion (PyTorch's `al`; always written before it is read, so not saved). */
  al?: number[];
}

const vec = (x: FloatArray): Tensor => new Tensor(x.slice(), [x.length]);

function rows(xs: FloatArray[], dtype: Tensor["dtype"], n: number): Tensor {
  const out = zerosVec(dtype, xs.length * n);
  xs.forEach((x, i) => {
    out.set(x, i * n);
  });
  return new Tensor(out, [xs.length, n]);
}

/**
 * The memory in PyTorch's names: `func_evals`, `n_iter`, `d`, `t`, `prev_flat_grad`,
 * `prev_loss`, `H_diag`, and the history as tensors `old_dirs` and `old_stps` [k, n] and `ro` [k]
 * (PyTorch keeps lists of k vectors).
 */
export function memoryToState(m: LBFGSMemory, dtype: Tensor["dtype"]): ParamState {
  const s: ParamState = { func_evals: m.funcEvals, n_iter: m.nIter };
  if (m.d !== undefined) {
    const n = m.d.length;
    const h = m.history!;
    Object.assign(s, {
      d: vec(m.d),
      t: m.t,
      old_dirs: rows(h.oldDirs, dtype, n),
      old_stps: rows(h.oldStps, dtype, n),
      ro: new Tensor(Float64Array.from(h.ro), [h.ro.length]),
      H_diag: h.hDiag,
      prev_flat_grad: vec(m.prevFlatGrad!),
      prev_loss: m.prevLoss,
    });
  }
  return s;
}

function num(s: ParamState, key: string): number {
  const v = s[key];
  if (typeof v !== "number")
    throw new Error(`LBFGS: loaded state '${key}' must be a number, got ${typeof v}`);
  return v;
}

function tensorOf(s: ParamState, key: string, shape: number[]): Tensor {
  const v = s[key];
  if (!(v instanceof Tensor) || v.shape.join() !== shape.join()) {
    const got = v instanceof Tensor ? shapeStr(v.shape) : typeof v;
    throw new Error(`LBFGS: loaded state '${key}' must be a tensor of shape ${shapeStr(shape)}, got ${got}`);
  }
  return v;
}

/** A copy of `t`'s elements in `dtype`. */
function values(t: Tensor, dtype: Tensor["dtype"]): FloatArray {
  const out = zerosVec(dtype, t.size);
  out.set(t.toTypedArray());
  return out;
}

/** The memory saved by `memoryToState`, checked against `n` parameters of `dtype`. */
export function memoryFromState(s: ParamState, dtype: Tensor["dtype"], n: number): LBFGSMemory {
  const m: LBFGSMemory = { funcEvals: num(s, "func_evals"), nIter: num(s, "n_iter") };
  if (s.d === undefined) return m;
  const d = values(tensorOf(s, "d", [n]), dtype);
  const k = s.ro instanceof Tensor ? s.ro.size : 0;
  const dirs = values(tensorOf(s, "old_dirs", [k, n]), dtype);
  const stps = values(tensorOf(s, "old_stps", [k, n]), dtype);
  const split = (x: FloatArray) =>
    Array.from({ length: k }, (_, i) => x.slice(i * n, (i + 1) * n) as FloatArray);
  return {
    ...m,
    d,
    t: num(s, "t"),
    prevFlatGrad: values(tensorOf(s, "prev_flat_grad", [n]), dtype),
    prevLoss: num(s, "prev_loss"),
    history: {
      oldDirs: split(dirs),
      oldStps: split(stps),
      ro: Array.from(tensorOf(s, "ro", [k]).toTypedArray()),
      hDiag: num(s, "H_diag"),
    },
  };
}
