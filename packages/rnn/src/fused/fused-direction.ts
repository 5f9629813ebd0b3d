import { customGrad, gradients } from "@nablajs/autograd";
import { contiguous, detach, isGradEnabled, primitive, Tensor, type TypedArray } from "@nablajs/tensor";
import { type DirectionSpec, unpackInputs } from "../direction.js";
import { referenceDirection } from "../reference/reference-direction.js";
import type { OperandGrads, Operands, Sequence } from "./common.js";
import { type GruSaved, gruBackward, gruForward } from "./gru-kernel.js";
import { type LstmSaved, lstmBackward, lstmForward } from "./lstm-kernel.js";
import { type RnnSaved, rnnBackward, rnnForward } from "./rnn-kernel.js";

/** A contiguous tensor's elements as a typed array starting at index 0 (no copy when already contiguous). */
function flat(t: Tensor): TypedArray {
  const c = contiguous(t);
  return c.data.subarray(c.offset, c.offset + c.size);
}

function operands(spec: DirectionSpec, inputs: readonly Tensor[]): Operands {
  const u = unpackInputs(spec.kind, inputs.map(flat));
  return { ...u, c0: u.c0 ?? null, bih: u.bih ?? null, bhh: u.bhh ?? null };
}

type Saved = LstmSaved | GruSaved | RnnSaved;

function runForward(spec: DirectionSpec, seq: Sequence, ops: Operands): { outs: TypedArray[]; saved: Saved } {
  if (spec.kind === "LSTM") {
    const r = lstmForward(seq, ops);
    return { outs: [r.y, r.hn, r.cn], saved: r.saved };
  }
  const r = spec.kind === "GRU" ? gruForward(seq, ops) : rnnForward(seq, ops, actOf(spec));
  return { outs: [r.y, r.hn], saved: r.saved };
}

function runBackward(
  spec: DirectionSpec,
  seq: Sequence,
  ops: Operands,
  saved: Saved,
  g: TypedArray[],
): OperandGrads {
  if (spec.kind === "LSTM") return lstmBackward(seq, ops, saved as LstmSaved, g[0]!, g[1]!, g[2]!);
  if (spec.kind === "GRU") return gruBackward(seq, ops, saved as GruSaved, g[0]!, g[1]!);
  return rnnBackward(seq, ops, saved as RnnSaved, actOf(spec), g[0]!, g[1]!);
}

function actOf(spec: DirectionSpec) {
  return spec.kind === "RNN_RELU" ? "relu" : "tanh";
}

// An identity edge: re-attaches the reference recomputation's leaves to the real inputs.
const alias = primitive("rnnAlias", (g) => [g]);

/**
 * The backward when a higher-order derivative is being recorded (`createGraph`): the fused
 * kernels' gradients are plain numbers, so recompute this direction on the reference path and
 * differentiate it with recorded ops. The recomputation starts from stand-in leaves so the inner
 * backward stops at this op; afterwards each stand-in becomes an alias of its real input, so the
 * returned gradients stay differentiable with respect to everything upstream.
 */
function referenceVjp(spec: DirectionSpec, inputs: readonly Tensor[], grads: Tensor[]): Tensor[] {
  const leaves = inputs.map((x) => {
    const y = detach(x);
    if (x.requiresGrad) y.requiresGrad = true;
    return y;
  });
  const outs = referenceDirection(spec, leaves);
  const gs = gradients(outs, leaves, grads, { createGraph: true });
  leaves.forEach((y, i) => {
    const x = inputs[i]!;
    if (x.requiresGrad) y.gradFn = { prim: alias, inputs: [x], attrs: undefined, site: undefined };
  });
  return gs;
}

/**
 * The fused path of one layer direction: the whole sequence, forward and backpropagation
 * through time, as ONE differentiable op (the cuDNN design). Takes and returns the same lists as
 * `referenceDirection`. Its backward is first-order (typed-array loops and matmul kernels);
 * under `createGraph` it falls back to differentiating the reference path.
 */
export function fusedDirection(spec: DirectionSpec, inputs: readonly Tensor[]): Tensor[] {
  let state: { seq: Sequence; ops: Operands; saved: Saved } | undefined;
  const forward = (...ins: Tensor[]): Tensor[] => {
    const [T, B, I] = ins[0]!.shape as [number, number, number];
    const H = ins[1]!.shape[1]!;
    const seq: Sequence = { T, B, I, H, dtype: ins[0]!.dtype, reverse: spec.reverse, lengths: spec.lengths };
    const ops = operands(spec, ins);
    const r = runForward(spec, seq, ops);
    state = { seq, ops, saved: r.saved };
    const shapes = [
      [T, B, H],
      [B, H],
      [B, H],
    ];
    return r.outs.map((o, i) => new Tensor(o, shapes[i]!));
  };
  const backward = (grads: Tensor[], ins: readonly Tensor[]): (Tensor | null)[] => {
    if (isGradEnabled()) return referenceVjp(spec, ins, grads);
    const { seq, ops, saved } = state!;
    const g = runBackward(spec, seq, ops, saved, grads.map(flat));
    const list = [g.x, g.h0, g.c0, g.wih, g.whh, g.bih, g.bhh].filter((a) => a !== null);
    return ins.map((x, i) => (x.requiresGrad ? new Tensor(list[i]!, x.shape) : null));
  };
  return customGrad(forward, backward, `${spec.kind}Sequence`)(...inputs);
}
