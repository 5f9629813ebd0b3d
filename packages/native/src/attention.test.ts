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

describe("native GELU and LayerNorm = their formulas", () => {
  /** gelu and its derivative, tanh's form, in float64. */
  const tanhGelu = (x: number) => {
    const c = Math.sqrt(2 / Math.PI);
    const t = Math.tanh(c * (x + 0.044715 * x ** 3));
    return [0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)];
  };
  for (const isa of isas)
    it(`${isa}: tanh GELU to 1e-14 (float64) and 1e-6 (float32), tails of every length`, () => {
      addon.setGemmIsa(isa);
      for (const [ctor, tol] of [
        [Float64Array, 1e-14],
        [Float32Array, 1e-6],
      ] as const)
        for (const n of [1, 3, 17, 40000]) {
          const x = filled(ctor, n, n).map((v) => v * 8);
          const [y, dy] = [new ctor(n), new ctor(n)];
          addon.transformerGelu(true, x, y, dy);
          const want = Array.from(x, tanhGelu);
          expectClose(
            y,
            want.map((w) => w[0]!),
            tol,
            `${ctor.name} y n=${n}`,
          );
          expectClose(
            dy,
            want.map((w) => w[1]!),
            tol,
            `${ctor.name} dy n=${n}`,
          );
        }
    });
  it("exact GELU: x Φ(x) and Φ(x) + x φ(x) at known values", () => {
    const x = Float64Array.of(0, 1, -1, 3);
    const [y, dy] = [new Float64Array(4), new Float64Array(4)];
    addon.transformerGelu(false, x, y, dy);
    const phi1 = 0.8413447460685429; // Φ(1)
    expectClose(y, [0, phi1, -(1 - phi1), 3 * 0.9986501019683699], 1e-15, "y");
    const pdf1 = Math.exp(-0.5) / Math.sqrt(2 * Math.PI);
    expectClose(
      dy,
      [0.5, phi1 + pdf1, 1 - phi1 - pdf1, 0.9986501019683699 + (3 * Math.exp(-4.5)) / Math.sqrt(2 * Math.PI)],
      1e-15,
      "dy",
    );
  });
  for (const isa of isas)
    it(`${isa}: LayerNorm forward and backward, with and without affine, on 1 and 2 threads (dw, db the same bits)`, () => {
      addon.setGemmIsa(isa);
      // 300 rows of 512: the backward's rows split into several tasks, whose dw and db partial
      // sums are added in task order whatever the threads.
      for (const ctor of [Float64Array, Float32Array] as const) {
        const [rows, n] = [300, 512];
        const x = filled(ctor, rows * n, 5).map((v, i) => v * 3 + (i % 7));
        const [w, b, g] = [filled(ctor, n, 6), filled(ctor, n, 7), filled(ctor, rows * n, 8)];
        const want = {
          y: new Float64Array(rows * n),
          dx: new Float64Array(rows * n),
          yPlain: new Float64Array(rows * n),
          dxPlain: new Float64Array(rows * n),
          dw: new Float64Array(n),
          db: new Float64Array(n),
        };
        for (let r = 0; r < rows; r++) {
          const xr = Array.from(x.subarray(r * n, (r + 1) * n));
          const gr = Array.from(g.subarray(r * n, (r + 1) * n));
          const m = xr.reduce((a, v) => a + v, 0) / n;
          const k = 1 / Math.sqrt(xr.reduce((a, v) => a + (v - m) ** 2, 0) / n + 1e-5);
          const xh = xr.map((v) => (v - m) * k);
          const gw = xh.map((_, j) => gr[j]! * w[j]!);
          const a = gw.reduce((s, v) => s + v, 0) / n;
          const c = gw.reduce((s, v, j) => s + v * xh[j]!, 0) / n;
          const a1 = gr.reduce((s, v) => s + v, 0) / n;
          const c1 = gr.reduce((s, v, j) => s + v * xh[j]!, 0) / n;
          for (let j = 0; j < n; j++) {
            want.y[r * n + j] = xh[j]! * w[j]! + b[j]!;
            want.dx[r * n + j] = k * (gw[j]! - a - xh[j]! * c);
            want.yPlain[r * n + j] = xh[j]!;
            want.dxPlain[r * n + j] = k * (gr[j]! - a1 - xh[j]! * c1);
            want.dw[j]! += gr[j]! * xh[j]!;
            want.db[j]! += gr[j]!;
          }
        }
        const tol = ctor === Float64Array ? 1e-12 : 2e-5;
        const bits: (Float32Array | Float64Array)[][] = [];
        for (const threads of [1, 2]) {
          addon.setNumThreads(threads);
          const [y, mean, rstd] = [new ctor(rows * n), new ctor(rows), new ctor(rows)];
          addon.transformerLayerNorm(n, 1e-5, x, w, b, y, mean, rstd);
          expectClose(y, want.y, tol, `${ctor.name} y`);
          const [dx, dw, db] = [new ctor(rows * n), new ctor(n), new ctor(n)];
          addon.transformerLayerNormBackward(n, x, w, mean, rstd, g, dx, dw, db);
          expectClose(dx, want.dx, tol, `${ctor.name} dx`);
          expectClose(dw, want.dw, tol * 10, `${ctor.name} dw`);
          expectClose(db, want.db, tol * 10, `${ctor.name} db`);
          bits.push([dw, db]);
          // Without affine: y = x̂, and dx from g alone.
          addon.transformerLayerNorm(n, 1e-5, x, null, null, y, mean, rstd);
          expectClose(y, want.yPlain, tol, `${ctor.name} y without affine`);
          addon.transformerLayerNormBackward(n, x, null, mean, rstd, g, dx, null, null);
          expectClose(dx, want.dxPlain, tol, `${ctor.name} dx without affine`);
        }
        addon.setNumThreads(0);
        expect(bits[1]!.map((a) => Array.from(a))).toEqual(bits[0]!.map((a) => Array.from(a)));
      }
    });
  it("argument checks", () => {
    const x = new Float32Array(6);
    expect(() =>
      addon.transformerLayerNorm(
        4,
        1e-5,
        x,
        null,
        null,
        new Float32Array(6),
        new Float32Array(1),
        new Float32Array(1),
      ),
    ).toThrow(/transformerLayerNorm: x has 6 elements, not a multiple of n = 4/);
    expect(() => addon.transformerLayerNorm(3, -1, x, null, null, x, x, x)).toThrow(
      /eps must be a finite number >= 0/,
    );
    expect(() => addon.transformerGelu(true, x, new Float32Array(5), new Float32Array(6))).toThrow(
      /y must have 6 elements \(got 5\)/,
    );
    expect(() => addon.transformerGelu(true, x, x, new Float32Array(6))).toThrow(/y overlaps x/);
    expect(() =>
      addon.transformerLayerNormBackward(
        3,
        x,
        new Float32Array(2),
        new Float32Array(2),
        new Float32Array(2),
        x,
        new Float32Array(6),
        null,
        null,
      ),
    ).toThrow(/w must have 3 elements \(got 2\)/);
  });
});
