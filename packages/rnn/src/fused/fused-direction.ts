import {
  contiguousData,
  customGrad,
  enableGrad,
  getBackend,
  gradients,
  isGradEnabled,
  pushforward,
  type RecurrentKernels,
  Tensor,
  type TypedArray,
} from "@nablajs/tensor";
import { type DirectionSpec, namesOf, unpackInputs } from "../direction.js";
import { referenceDirection } from "../reference/reference-direction.js";
import type { OperandGrads, Operands, Sequence } from "./common.js";
import { type GruSaved, gruBackward, gruForward } from "./gru-kernel.js";
import { type LstmSaved, lstmBackward, lstmForward } from "./lstm-kernel.js";
import { type RnnSaved, rnnBackward, rnnForward } from "./rnn-kernel.js";

/**
 * What a direction's forward keeps for its backward: the sizes, the operands, the activations,
 * and the backend's own kernels when they ran it (their activations are in their layout).
 */
interface Saved {
  seq: Sequence;
  ops: Operands;
  kept: unknown;
  kernels: RecurrentKernels | null;
}

function actOf(spec: DirectionSpec) {
  return spec.kind === "RNN_RELU" ? "relu" : "tanh";
}

function runForward(
  spec: DirectionSpec,
  seq: Sequence,
  ops: Operands,
  keep: boolean,
): { outs: TypedArray[]; saved: Saved } {
  const kernels = getBackend().recurrent;
  if (kernels?.supports(seq)) {
    const r = kernels.forward(seq, ops, keep);
    const outs = r.cn === null ? [r.y, r.hn] : [r.y, r.hn, r.cn];
    return { outs, saved: { seq, ops, kept: r.saved, kernels } };
  }
  if (spec.kind === "LSTM") {
    const r = lstmForward(seq, ops);
    return { outs: [r.y, r.hn, r.cn], saved: { seq, ops, kept: r.saved, kernels: null } };
  }
  const r = spec.kind === "GRU" ? gruForward(seq, ops) : rnnForward(seq, ops, actOf(spec));
  return { outs: [r.y, r.hn], saved: { seq, ops, kept: r.saved, kernels: null } };
}

function runBackward(
  spec: DirectionSpec,
  { seq, ops, kept, kernels }: Saved,
  g: TypedArray[],
  wants: Record<keyof Operands, boolean>,
): OperandGrads {
  if (kernels !== null) return kernels.backward(seq, ops, kept, g[0]!, g[1]!, g[2] ?? null, wants);
  if (spec.kind === "LSTM") return lstmBackward(seq, ops, kept as LstmSaved, g[0]!, g[1]!, g[2]!);
  if (spec.kind === "GRU") return gruBackward(seq, ops, kept as GruSaved, g[0]!, g[1]!);
  return rnnBackward(seq, ops, kept as RnnSaved, actOf(spec), g[0]!, g[1]!);
}

/**
 * The fused path of one layer direction: the whole sequence, forward and backpropagation
 * through time, as ONE differentiable op with several outputs (the cuDNN design). Takes and
 * returns the same lists as `referenceDirection`. Its first-order backward runs the kernels on
 * what the forward saved; a higher-order pass (createGraph) differentiates the reference path
 * instead, with recorded ops, so the op's second derivatives are exact. Forward mode (jvp,
 * forward-over-reverse Hessians) likewise runs the reference path with the tangents.
 */
export function fusedDirection(spec: DirectionSpec, inputs: readonly Tensor[]): Tensor[] {
  // No backward can follow (inference, noGrad): the backend's kernels then keep no activations.
  const keep = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const op = customGrad(
    (...ins: Tensor[]) => {
      const [T, B, I] = ins[0]!.shape as [number, number, number];
      const H = ins[1]!.shape[1]!;
      const dtype = ins[0]!.dtype as Sequence["dtype"];
      const seq: Sequence = {
        kind: spec.kind,
        T,
        B,
        I,
        H,
        dtype,
        reverse: spec.reverse,
        lengths: spec.lengths,
      };
      const ops = unpackInputs(spec.kind, ins.map(contiguousData)) as Operands;
      const { outs, saved } = runForward(spec, seq, ops, keep);
      const shapes = [
        [T, B, H],
        [B, H],
        [B, H],
      ];
      return { outputs: outs.map((o, i) => new Tensor(o, shapes[i]!)), saved };
    },
    (grads, ins, _outs, ctx) => {
      // NOTE: enableGrad: under forward mode alone (jvp of grad) the pass is not recorded, but the
      // reference path's graph is what gives its gradients, now carrying the tangents.
      if (ctx.createGraph)
        return enableGrad(() => gradients(referenceDirection(spec, ins), ins, grads, { createGraph: true }));
      // Only the gradients of inputs that require one are computed (dx of raw data is skipped).
      const names = namesOf(spec.kind, ins.length);
      const wants = { x: false, h0: false, c0: false, wih: false, whh: false, bih: false, bhh: false };
      names.forEach((k, i) => {
        wants[k] = ins[i]!.requiresGrad;
      });
      const g = runBackward(spec, ctx.saved, grads.map(contiguousData), wants);
      return names.map((k, i) => (ins[i]!.requiresGrad ? new Tensor(g[k]!, ins[i]!.shape) : null));
    },
    {
      name: `${spec.kind}Sequence`,
      // The higher-order path is the reference path's recorded ops, checked by gradgradcheck.
      differentiable: true,
      // NOTE: no fused tangent kernel: the tangents go through the reference path's ops.
      jvp: (ts, ins) => pushforward((...xs) => referenceDirection(spec, xs), ins, [ts]).tangents[0]!,
    },
  );
  return op(...inputs);
}
