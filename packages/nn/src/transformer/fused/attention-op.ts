import {
  type AttentionKernels,
  type AttentionMask,
  type AttentionProblem,
  contiguousData,
  customGrad,
  enableGrad,
  getBackend,
  gradients,
  pushforward,
  shapeStr,
  Tensor,
  type TypedArray,
} from "@nablajs/tensor";
import { attentionReference } from "../reference.js";
import { flashBackward, flashForward } from "./flash.js";

/** What the fused op's forward keeps: the problem, its operands, lse, and the kernels that ran it. */
export interface Saved {
  p: AttentionProblem;
  ops: [TypedArray, TypedArray, TypedArray];
  lse: TypedArray;
  kernels: AttentionKernels | null;
}

/** The mask as the kernels read it: a [B, H, L, S] view (stride 0 where it broadcasts). */
export function maskView(mask: Tensor | null, p: AttentionProblem): AttentionMask | null {
  if (mask === null) return null;
  const m = mask.expand([p.B, p.H, p.L, p.S]);
  return { data: m.data, offset: m.offset, strides: m.strides as [number, number, number, number] };
}

/** Runs the forward on the backend's kernels when it has them for `p`, else the TypeScript kernel. */
export function runForward(
  p: AttentionProblem,
  ops: Saved["ops"],
  mask: Tensor | null,
): Omit<Saved, "p" | "ops"> & { out: TypedArray } {
  const found = getBackend().attention;
  const kernels = found?.supports(p) ? found : null;
  const view = maskView(mask, p);
  const r = kernels ? kernels.forward(p, ...ops, view) : flashForward(p, ...ops, view);
  return { out: r.out, lse: r.lse, kernels };
}

/** The first-order backward on the kernels that ran the forward. */
export function runBackward(s: Saved, mask: Tensor | null, out: TypedArray, dout: TypedArray) {
  const args = [s.p, ...s.ops, maskView(mask, s.p), out, s.lse, dout] as const;
  return s.kernels ? s.kernels.backward(...args) : flashBackward(...args);
}

/**
 * Scaled dot-product attention as ONE differentiable op (flash-attention style): q [B, H, L, D],
 * k [B, H, S, D], v [B, H, S, Dv] -> [B, H, L, Dv], softmax(scale q kᵀ + mask (+ causal)) v,
 * run by the backend's kernels when it has them (native, wasm float32), else by the TypeScript
 * kernel (flash.ts). `mask` is an additive float mask broadcastable to [B, H, L, S] that takes no
 * gradient (it is detached). The first-order backward recomputes the scores from the saved row
 * log-sum-exps; a higher-order pass (createGraph) and forward mode differentiate the op-by-op
 * reference path instead, so derivatives of every order are exact.
 */
export function fusedAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | null,
  opts: { causal: boolean; scale: number },
): Tensor {
  const [B, H, L, D] = q.shape as [number, number, number, number];
  const [S, Dv] = [k.shape[2]!, v.shape[3]!];
  if (q.ndim !== 4 || k.shape.join() !== [B, H, S, D].join() || v.shape.join() !== [B, H, S, Dv].join())
    throw new Error(
      `fusedAttention: q [B,H,L,D], k [B,H,S,D], v [B,H,S,Dv] expected, got ${shapeStr(q.shape)}, ${shapeStr(k.shape)}, ${shapeStr(v.shape)}`,
    );
  const constant = mask?.detach() ?? null;
  const reference = (xs: readonly Tensor[]) =>
    attentionReference(xs[0]!, xs[1]!, xs[2]!, constant, opts.causal, opts.scale).out;
  const op = customGrad<Tensor, Saved>(
    (qt, kt, vt) => {
      const p: AttentionProblem = { B, H, L, S, D, Dv, ...opts, dtype: q.dtype as AttentionProblem["dtype"] };
      const ops: Saved["ops"] = [contiguousData(qt!), contiguousData(kt!), contiguousData(vt!)];
      const r = runForward(p, ops, constant);
      return { outputs: new Tensor(r.out, [B, H, L, Dv]), saved: { p, ops, lse: r.lse, kernels: r.kernels } };
    },
    (g, ins, out, ctx) => {
      // NOTE: enableGrad: under forward mode alone the pass is not recorded, but the reference
      // path's graph is what gives its gradients, now carrying the tangents.
      if (ctx.createGraph)
        return enableGrad(() => gradients([reference(ins)], ins, [g], { createGraph: true }));
      const r = runBackward(ctx.saved, constant, contiguousData(out), contiguousData(g));
      return [r.dq, r.dk, r.dv].map((d, i) => (ins[i]!.requiresGrad ? new Tensor(d, ins[i]!.shape) : null));
    },
    {
      name: "attention",
      // The higher-order path is the reference path's recorded ops (gradgradcheck in the tests).
      differentiable: true,
      jvp: (ts, ins) => pushforward((...xs) => [reference(xs)], ins, [ts]).tangents[0]![0]!,
    },
  );
  return op(q, k, v);
}
