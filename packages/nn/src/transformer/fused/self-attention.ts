import {
  type AttentionProblem,
  allocate,
  customGrad,
  enableGrad,
  gradients,
  pushforward,
  shapeStr,
  Tensor,
  type TypedArray,
  toTypedArray,
} from "@nablajs/tensor";
import { attentionReference } from "../reference.js";
import { runBackward, runForward, type Saved } from "./attention-op.js";

/** The strided view (shape, strides, offset) of `data`, copied into fresh contiguous memory. */
const gather = (data: TypedArray, shape: number[], strides: number[], offset = 0): TypedArray =>
  toTypedArray(new Tensor(data, shape, strides, offset));

/**
 * Multi-head self-attention on the packed projections as ONE op: qkv [B, L, 3E] (q, k and v side
 * by side, as in_proj_weight stacks them) -> the heads merged [B, L, E], each head
 * softmax(scale q_h k_hᵀ + mask (+ causal)) v_h over features [h E/H, (h + 1) E/H). The heads are
 * taken apart and put back by one strided copy each way inside the op, so the graph holds no
 * narrow, transpose or reshape of qkv or of the output (whose backward would pad, permute and
 * copy). Kernels as `fusedAttention`; higher orders and forward mode differentiate the op-by-op path.
 */
export function fusedSelfAttention(
  qkv: Tensor,
  heads: number,
  mask: Tensor | null,
  opts: { causal: boolean; scale: number },
): Tensor {
  const [B, L, E3] = qkv.shape as [number, number, number];
  if (qkv.ndim !== 3 || E3 % (3 * heads) !== 0)
    throw new Error(
      `fusedSelfAttention: qkv must be [B, L, 3 E] with E divisible by ${heads} heads, got ${shapeStr(qkv.shape)}`,
    );
  const E = E3 / 3;
  const Dh = E / heads;
  const H = heads;
  const n = B * H * L * Dh;
  const constant = mask?.detach() ?? null;
  const dtype = qkv.dtype;
  const reference = (x: Tensor) => {
    const part = (i: number) =>
      x
        .narrow(2, i * E, E)
        .reshape([B, L, H, Dh])
        .transpose([0, 2, 1, 3]);
    const out = attentionReference(part(0), part(1), part(2), constant, opts.causal, opts.scale).out;
    return out.transpose([0, 2, 1, 3]).reshape([B, L, E]);
  };
  const op = customGrad<Tensor, Saved & { out: TypedArray }>(
    (x) => {
      // [B, L, 3, H, Dh] read as [3, B, H, L, Dh]: q, k, v of every head, one after another.
      const [s0, s1, s2] = x!.strides as [number, number, number];
      const all = gather(x!.data, [3, B, H, L, Dh], [E * s2, s0, Dh * s2, s1, s2], x!.offset);
      const ops: Saved["ops"] = [all.subarray(0, n), all.subarray(n, 2 * n), all.subarray(2 * n)];
      const p: AttentionProblem = {
        B,
        H,
        L,
        S: L,
        D: Dh,
        Dv: Dh,
        ...opts,
        dtype: dtype as AttentionProblem["dtype"],
      };
      const r = runForward(p, ops, constant);
      // [B, H, L, Dh] read as [B, L, H, Dh]: the heads side by side.
      const y = gather(r.out, [B, L, H, Dh], [H * L * Dh, Dh, L * Dh, 1]);
      return {
        outputs: new Tensor(y, [B, L, E]),
        saved: { p, ops, lse: r.lse, kernels: r.kernels, out: r.out },
      };
    },
    (g, ins, _out, ctx) => {
      if (ctx.createGraph)
        return enableGrad(() => gradients([reference(ins[0]!)], ins, [g], { createGraph: true }));
      const [g0, g1, g2] = g.strides as [number, number, number];
      const dout = gather(g.data, [B, H, L, Dh], [g0, Dh * g2, g1, g2], g.offset);
      const d = runBackward(ctx.saved, constant, ctx.saved.out, dout);
      const all = allocate(dtype, 3 * n);
      all.set(d.dq, 0);
      all.set(d.dk, n);
      all.set(d.dv, 2 * n);
      // [3, B, H, L, Dh] read as [B, L, 3, H, Dh]: back into qkv's layout.
      const dx = gather(all, [B, L, 3, H, Dh], [H * L * Dh, Dh, n, L * Dh, 1]);
      return [new Tensor(dx, [B, L, E3])];
    },
    {
      name: "selfAttention",
      differentiable: true,
      jvp: (ts, ins) => pushforward((x) => [reference(x)], ins, [ts]).tangents[0]![0]!,
    },
  );
  return op(qkv);
}
