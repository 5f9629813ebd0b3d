// The addon's fused attention against a plain float64 reference written out here (softmax of the
// scores, then the products), on every instruction set this CPU runs and on one and two threads:
// odd sizes (partial vectors and blocks of 64), sequences of several blocks, causal with L != S,
// broadcast and strided masks, -inf entries, a fully masked row, and the argument checks.
import { afterAll, describe, expect, it } from "vitest";
import type { AttentionKernels } from "./attention.js";
import type { GemmIsa, NativeAddon } from "./index.js";
import { loadNative } from "./index.js";

const addon = loadNative().addon as NativeAddon & AttentionKernels;
const isas = (["avx512", "avx2", "scalar"] as GemmIsa[]).filter((isa) => addon.setGemmIsa(isa));
addon.setGemmIsa("auto");
afterAll(() => {
  addon.setGemmIsa("auto");
  addon.setNumThreads(0);
});

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
interface Case {
  B: number;
  H: number;
  L: number;
  S: number;
  D: number;
  Dv: number;
  causal: boolean;
  /** The mask's own shape [B|1, H|1, L|1, S] and whether it is read transposed (strides of [S, L]). */
  mask: null | { shape: [number, number, number, number]; transposed?: boolean };
}

/** Seeded uniform numbers in [-1, 1) (a 32-bit LCG: the addon's tests need no other package). */
function filled(ctor: Ctor, n: number, seed: number): Float32Array | Float64Array {
  let s = seed >>> 0;
  const a = new ctor(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 31 - 1) * 1.5;
  }
  return a;
}

/** The mask array with -inf on some entries (never on key 0) and its strides over [B, H, L, S]. */
function makeMask(c: Case, ctor: Ctor) {
  if (c.mask === null) return { data: null, strides: [0, 0, 0, 0] };
  const [mb, mh, ml, ms] = c.mask.shape;
  const data = filled(ctor, mb * mh * ml * ms, 99);
  for (let i = 0; i < data.length; i++) if (i % ms !== 0 && i % 5 === 2) data[i] = Number.NEGATIVE_INFINITY;
  // Row-major strides, or the last two axes stored transposed ([.., S, L] memory).
  let strides = [mh * ml * ms, ml * ms, ms, 1];
  if (c.mask.transposed) strides = [mh * ml * ms, ml * ms, 1, ml];
  return { data, strides: strides.map((s, d) => (c.mask!.shape[d] === 1 ? 0 : s)) };
}

/** out, lse, dq, dk, dv in float64 by the definitions. */
function reference(
  c: Case,
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  dout: ArrayLike<number>,
  m: ReturnType<typeof makeMask>,
) {
  const { B, H, L, S, D, Dv, causal } = c;
  const scale = 1 / Math.sqrt(D);
  const out = new Float64Array(B * H * L * Dv);
  const lse = new Float64Array(B * H * L);
  const [dq, dk, dv] = [
    new Float64Array(B * H * L * D),
    new Float64Array(B * H * S * D),
    new Float64Array(B * H * S * Dv),
  ];
  for (let n = 0; n < B * H; n++) {
    const [b, h] = [Math.floor(n / H), n % H];
    for (let i = 0; i < L; i++) {
      const s = new Float64Array(S);
      for (let j = 0; j < S; j++) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += q[(n * L + i) * D + d]! * k[(n * S + j) * D + d]!;
        const [sb, sh, sl, ss] = m.strides;
        const add = m.data === null ? 0 : m.data[b * sb! + h * sh! + i * sl! + j * ss!]!;
        s[j] = causal && j > i ? Number.NEGATIVE_INFINITY : scale * dot + add;
      }
      const max = Math.max(...s);
      const p = s.map((x) => Math.exp(x - max));
      const sum = p.reduce((a, x) => a + x, 0);
      lse[n * L + i] = max + Math.log(sum);
      const o = (n * L + i) * Dv;
      for (let j = 0; j < S; j++)
        for (let d = 0; d < Dv; d++) out[o + d]! += (p[j]! / sum) * v[(n * S + j) * Dv + d]!;
      let delta = 0;
      for (let d = 0; d < Dv; d++) delta += dout[o + d]! * out[o + d]!;
      for (let j = 0; j < S; j++) {
        const pj = p[j]! / sum;
        let dp = 0;
        for (let d = 0; d < Dv; d++) {
          dp += dout[o + d]! * v[(n * S + j) * Dv + d]!;
          dv[(n * S + j) * Dv + d]! += pj * dout[o + d]!;
        }
        const ds = scale * pj * (dp - delta);
        for (let d = 0; d < D; d++) {
          dq[(n * L + i) * D + d]! += ds * k[(n * S + j) * D + d]!;
          dk[(n * S + j) * D + d]! += ds * q[(n * L + i) * D + d]!;
        }
      }
    }
  }
  return { out, lse, dq, dk, dv };
}

function run(c: Case, ctor: Ctor) {
  const { B, H, L, S, D, Dv, causal } = c;
  const n = B * H;
  const [q, k, v, dout] = [
    filled(ctor, n * L * D, 1),
    filled(ctor, n * S * D, 2),
    filled(ctor, n * S * Dv, 3),
    filled(ctor, n * L * Dv, 4),
  ];
  const m = makeMask(c, ctor);
  const [sb, sh, sl, ss] = m.strides as [number, number, number, number];
  const sizes = [B, H, L, S, D, Dv, 1 / Math.sqrt(D), causal] as const;
  const out = new ctor(n * L * Dv);
  const lse = new ctor(n * L);
  addon.attentionForward(...sizes, q, k, v, m.data, 0, sb, sh, sl, ss, out, lse);
  const [dq, dk, dv] = [
    new ctor(n * L * D).fill(7),
    new ctor(n * S * D).fill(7),
    new ctor(n * S * Dv).fill(7),
  ];
  addon.attentionBackward(...sizes, q, k, v, m.data, 0, sb, sh, sl, ss, out, lse, dout, dq, dk, dv);
  return { got: { out, lse, dq, dk, dv }, want: reference(c, q, k, v, dout, m) };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++)
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(worst, what).toBeLessThan(tol);
}

const cases: Case[] = [
  { B: 1, H: 1, L: 1, S: 1, D: 1, Dv: 1, causal: false, mask: null },
  { B: 2, H: 3, L: 5, S: 7, D: 3, Dv: 5, causal: false, mask: { shape: [1, 1, 5, 7] } },
  { B: 2, H: 2, L: 70, S: 9, D: 17, Dv: 6, causal: true, mask: { shape: [2, 1, 1, 9] } },
  {
    B: 1,
    H: 2,
    L: 33,
    S: 150,
    D: 20,
    Dv: 19,
    causal: true,
    mask: { shape: [1, 2, 33, 150], transposed: true },
  },
  { B: 2, H: 1, L: 130, S: 129, D: 64, Dv: 64, causal: false, mask: { shape: [2, 1, 130, 129] } },
];

describe("native fused attention = the definitions", () => {
  for (const isa of isas)
    for (const threads of [1, 2])
      it(`${isa}, ${threads} thread(s): float64 to 1e-12 and float32 to 1e-5, every case`, () => {
        addon.setGemmIsa(isa);
        addon.setNumThreads(threads);
        for (const c of cases)
          for (const [ctor, tol] of [
            [Float64Array, 1e-12],
            [Float32Array, 2e-5],
          ] as const) {
            const { got, want } = run(c, ctor);
            const what = `${ctor.name} ${JSON.stringify(c)}`;
            for (const key of ["out", "lse", "dq", "dk", "dv"] as const)
              expectClose(got[key], want[key], tol, `${key} ${what}`);
          }
      });
  it("a row whose keys are all masked gives NaN (out and lse), the other rows their values", () => {
    const q = new Float64Array(4).fill(0.5);
    const mask = Float64Array.of(0, 0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY);
    const out = new Float64Array(4);
    const lse = new Float64Array(2);
    addon.attentionForward(
      1,
      1,
      2,
      2,
      2,
      2,
      1,
      false,
      q,
      q.slice(),
      q.slice(),
      mask,
      0,
      0,
      0,
      2,
      1,
      out,
      lse,
    );
    expect(Array.from(out)).toEqual([0.5, 0.5, Number.NaN, Number.NaN]);
    expect(lse[1]).toBeNaN();
  });
});

describe("native attention argument checks", () => {
  const f = () => new Float32Array(4);
  it("throws a TypeError naming the argument", () => {
    const call = (over: Record<number, unknown>) => () => {
      const args: unknown[] = [
        1,
        1,
        2,
        2,
        2,
        2,
        1,
        false,
        f(),
        f(),
        f(),
        null,
        0,
        0,
        0,
        0,
        0,
        f(),
        new Float32Array(2),
      ];
      for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
      (addon.attentionForward as (...a: unknown[]) => void)(...args);
    };
    expect(call({ 0: 0 })).toThrow(/attentionForward: B must be an integer >= 1 \(got 0\)/);
    expect(call({ 6: Number.NaN })).toThrow(/scale must be finite/);
    expect(call({ 9: new Float32Array(3) })).toThrow(/k must have 4 elements \(got 3\)/);
    expect(call({ 10: new Float64Array(4) })).toThrow(/v must be a Float32Array/);
    expect(call({ 11: new Float32Array(3), 15: 2, 16: 1 })).toThrow(
      /the mask view reaches elements \[0, 3\] of an array of 3/,
    );
    expect(call({ 11: new Float32Array(4), 15: -2 })).toThrow(/the mask view reaches elements \[-2, 0\]/);
    const shared = f();
    expect(call({ 8: shared, 17: shared })).toThrow(/out overlaps q/);
    expect(() => (addon.attentionBackward as (...a: unknown[]) => void)(1)).toThrow(
      /expected 23 arguments \(got 1\)/,
    );
    expect(typeof addon.attentionIsa()).toBe("string");
  });
});
