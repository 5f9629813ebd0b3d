import { broadcastShapes, type Generator, isFloat, shapeStr, Tensor } from "@nablajs/tensor";
import { dropout } from "../layers/dropout.js";
import { fusedAttention } from "./fused/attention-op.js";
import { additiveMask, checkBroadcast } from "./mask.js";
import { attentionReference } from "./reference.js";

/** Options of `scaledDotProductAttention` (torch.nn.functional.scaled_dot_product_attention's). */
export interface AttentionOptions {
  /**
   * Broadcastable to [..., L, S]: an int32 0/1 mask (1 = may attend, torch's boolean
   * convention here) or a float mask of the inputs' dtype added to the scores (-inf forbids).
   */
  attnMask?: Tensor | null;
  /** Query i attends to keys j <= i only (top-left aligned when L != S). */
  isCausal?: boolean;
  /** Dropout on the attention weights (applied whenever > 0, as torch's functional form). */
  dropoutP?: number;
  /** The stream dropout masks are drawn from. */
  generator?: Generator;
  /** The factor on q·k (default 1 / sqrt(E)). */
  scale?: number;
  /**
   * Run the fused kernel (default true): no score matrix is kept. It is used when there is no
   * dropout and the mask takes no gradient; otherwise, and with `false`, the op-by-op path.
   */
  fused?: boolean;
}

function checkOperands(q: Tensor, k: Tensor, v: Tensor): void {
  const op = "scaledDotProductAttention";
  for (const [name, t] of [
    ["query", q],
    ["key", k],
    ["value", v],
  ] as const) {
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor`);
    if (!isFloat(t.dtype) || t.dtype !== q.dtype)
      throw new Error(
        `${op}: query, key and value must share a float dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`,
      );
    if (t.ndim < 2) throw new Error(`${op}: ${name} must have at least 2 axes, got ${shapeStr(t.shape)}`);
  }
  const [E, S] = [q.shape.at(-1), k.shape.at(-2)];
  if (k.shape.at(-1) !== E || v.shape.at(-2) !== S)
    throw new Error(
      `${op}: query [..., L, E], key [..., S, E] and value [..., S, Ev] expected, got ${shapeStr(q.shape)}, ${shapeStr(k.shape)}, ${shapeStr(v.shape)}`,
    );
}

/** The batch axes as two, [B, H], for the fused kernel's [B, H, L, S] mask strides. */
function twoAxes(batch: readonly number[]): [number, number] {
  if (batch.length === 0) return [1, 1];
  const last = batch.at(-1)!;
  return [batch.slice(0, -1).reduce((a, b) => a * b, 1), last];
}

/**
 * Attention, softmax(scale q kᵀ + mask) v (torch.nn.functional.scaled_dot_product_attention):
 * q [..., L, E], k [..., S, E], v [..., S, Ev] -> [..., L, Ev], batch axes broadcast.
 * Without dropout it runs as one fused op (blocks of keys, online softmax, a backward that
 * recomputes the scores; native and WebAssembly kernels where the backend has them); with dropout,
 * a mask that requires a gradient, or `fused: false`, op by op. Both give the same numbers and
 * derivatives of every order. See https://arxiv.org/abs/1706.03762 and
 * https://arxiv.org/abs/2205.14135 (FlashAttention).
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  opts: AttentionOptions = {},
): Tensor {
  checkOperands(q, k, v);
  const { isCausal = false, dropoutP = 0, generator, fused = true } = opts;
  const op = "scaledDotProductAttention";
  if (typeof dropoutP !== "number" || !(dropoutP >= 0 && dropoutP < 1))
    throw new Error(`${op}: dropoutP must be in [0, 1), got ${dropoutP}`);
  const scale = opts.scale ?? 1 / Math.sqrt(q.shape.at(-1)!);
  if (typeof scale !== "number" || !Number.isFinite(scale))
    throw new Error(`${op}: scale must be a finite number, got ${scale}`);
  const [L, S] = [q.shape.at(-2)!, k.shape.at(-2)!];
  const batch = broadcastShapes(
    op,
    broadcastShapes(op, q.shape.slice(0, -2), k.shape.slice(0, -2)),
    v.shape.slice(0, -2),
  );
  let mask: Tensor | null = null;
  if (opts.attnMask !== undefined && opts.attnMask !== null) {
    mask = additiveMask(op, "attnMask", opts.attnMask, q.dtype, "zero");
    checkBroadcast(op, "attnMask", mask, [...batch, L, S]);
  }
  if (!fused || dropoutP > 0 || mask?.requiresGrad) {
    const drop = dropoutP > 0 ? (w: Tensor) => dropout(w, dropoutP, true, generator) : undefined;
    return attentionReference(q, k, v, mask, isCausal, scale, drop).out;
  }
  const [B, H] = twoAxes(batch);
  const as4 = (t: Tensor, rows: number) =>
    t.expand([...batch, rows, t.shape.at(-1)!]).reshape([B, H, rows, -1]);
  const m = mask === null ? null : mask.expand([...batch, L, S]).reshape([B, H, L, S]);
  const out = fusedAttention(as4(q, L), as4(k, S), as4(v, S), m, { causal: isCausal, scale });
  return out.reshape([...batch, L, v.shape.at(-1)!]);
}
