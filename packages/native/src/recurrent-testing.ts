/** Shared by the recurrent kernel tests: seeded cases, the native calls, the reference, a comparison. */
import { expect } from "vitest";
import { gruBackward, gruForward } from "../../rnn/src/fused/gru-kernel.js";
import { lstmBackward, lstmForward } from "../../rnn/src/fused/lstm-kernel.js";
import { rnnBackward, rnnForward } from "../../rnn/src/fused/rnn-kernel.js";
import type { FloatArray } from "./gemm.js";
import type { NativeAddon } from "./index.js";
import type { RecurrentKind } from "./recurrent.js";

export type Dtype = "float32" | "float64";

/** mulberry32: a tiny seeded generator of uniform numbers in [0, 1). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const gatesOf = (kind: RecurrentKind) => (kind === "LSTM" ? 4 : kind === "GRU" ? 3 : 1);

/** The sizes and traversal of one direction (the reference kernels' Sequence). */
export interface Seq {
  kind: RecurrentKind;
  T: number;
  B: number;
  I: number;
  H: number;
  dtype: Dtype;
  reverse: boolean;
  lengths: Int32Array | null;
}

/** The operands of one direction, flat row-major. */
export interface Ops {
  x: FloatArray;
  h0: FloatArray;
  c0: FloatArray | null;
  wih: FloatArray;
  whh: FloatArray;
  bih: FloatArray | null;
  bhh: FloatArray | null;
}

/** Cotangents of y, hn and cn. */
export interface Cots {
  dy: FloatArray;
  dhn: FloatArray;
  dcn: FloatArray | null;
}

export type Grads = Record<keyof Ops, FloatArray | null>;

export function alloc(dtype: Dtype, n: number): FloatArray {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

/** Seeded operands and cotangents; weights uniform in +-1/sqrt(H) as PyTorch initialises them. */
export function makeCase(seq: Seq, bias: [boolean, boolean], seed: number): { ops: Ops; cots: Cots } {
  const { kind, T, B, I, H, dtype } = seq;
  const r = prng(seed);
  const fill = (n: number, scale: number) => alloc(dtype, n).map(() => (2 * r() - 1) * scale);
  const GH = gatesOf(kind) * H;
  const k = 1 / Math.sqrt(H);
  const lstm = kind === "LSTM";
  const ops: Ops = {
    x: fill(T * B * I, 1),
    h0: fill(B * H, 1),
    c0: lstm ? fill(B * H, 1) : null,
    wih: fill(GH * I, k),
    whh: fill(GH * H, k),
    bih: bias[0] ? fill(GH, k) : null,
    bhh: bias[1] ? fill(GH, k) : null,
  };
  const cots: Cots = { dy: fill(T * B * H, 1), dhn: fill(B * H, 1), dcn: lstm ? fill(B * H, 1) : null };
  return { ops, cots };
}

/** The native forward: y, hn, cn and the saved activations. */
export function nativeForward(addon: NativeAddon, s: Seq, o: Ops) {
  const lstm = s.kind === "LSTM";
  const y = alloc(s.dtype, s.T * s.B * s.H);
  const hn = alloc(s.dtype, s.B * s.H);
  const cn = lstm ? alloc(s.dtype, s.B * s.H) : null;
  const saved = alloc(s.dtype, addon.recurrentSavedLength(s.kind, s.T, s.B, s.H));
  addon.recurrentForward(
    s.kind,
    s.T,
    s.B,
    s.I,
    s.H,
    s.reverse,
    s.lengths,
    o.x,
    o.h0,
    o.c0,
    o.wih,
    o.whh,
    o.bih,
    o.bhh,
    y,
    hn,
    cn,
    saved,
  );
  return { y, hn, cn, saved };
}

/** The native backward: the gradient of every operand (null where the operand is). */
export function nativeBackward(addon: NativeAddon, s: Seq, o: Ops, saved: FloatArray, c: Cots): Grads {
  const GH = gatesOf(s.kind) * s.H;
  const a = (n: number, present: unknown) => (present === null ? null : alloc(s.dtype, n));
  const g: Grads = {
    x: a(s.T * s.B * s.I, o.x),
    h0: a(s.B * s.H, o.h0),
    c0: a(s.B * s.H, o.c0),
    wih: a(GH * s.I, o.wih),
    whh: a(GH * s.H, o.whh),
    bih: a(GH, o.bih),
    bhh: a(GH, o.bhh),
  };
  addon.recurrentBackward(
    s.kind,
    s.T,
    s.B,
    s.I,
    s.H,
    s.reverse,
    s.lengths,
    o.x,
    o.wih,
    o.whh,
    saved,
    c.dy,
    c.dhn,
    c.dcn,
    g.x,
    g.h0,
    g.c0,
    g.wih,
    g.whh,
    g.bih,
    g.bhh,
  );
  return g;
}

/** The TypeScript kernels of @nablajs/rnn: forward outputs and every gradient. */
export function reference(s: Seq, o: Ops, c: Cots) {
  const [seq, ops] = [s as any, o as any];
  if (s.kind === "LSTM") {
    const f = lstmForward(seq, ops);
    return { y: f.y, hn: f.hn, cn: f.cn, grads: lstmBackward(seq, ops, f.saved, c.dy, c.dhn, c.dcn!) };
  }
  if (s.kind === "GRU") {
    const f = gruForward(seq, ops);
    return { y: f.y, hn: f.hn, cn: null, grads: gruBackward(seq, ops, f.saved, c.dy, c.dhn) };
  }
  const act = s.kind === "RNN_RELU" ? "relu" : "tanh";
  const f = rnnForward(seq, ops, act);
  return { y: f.y, hn: f.hn, cn: null, grads: rnnBackward(seq, ops, f.saved, act, c.dy, c.dhn) };
}

/**
 * got is close to want: |got - want| <= tol (|want| + max |want| / 100) element by element: relative,
 * with a floor for elements far smaller than the array's largest (sums that cancel).
 */
export function expectClose(
  name: string,
  got: ArrayLike<number> | null,
  want: ArrayLike<number> | null,
  tol: number,
) {
  if (want === null || got === null) {
    expect(got, name).toBe(want);
    return;
  }
  expect(got.length, `${name} length`).toBe(want.length);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / (Math.abs(want[i]!) + scale / 100 + 1e-300);
    if (!(e <= worst)) [worst, at] = [e, i];
  }
  if (!(worst <= tol))
    expect.fail(`${name}: relative error ${worst} > ${tol} at ${at}: ${got[at]} vs ${want[at]}`);
}
