import { afterAll, describe, expect, it } from "vitest";
import type { GemmIsa, NativeAddon } from "./index.js";
import { loadNative } from "./index.js";
import type { RecurrentKind } from "./recurrent.js";
import { makeCase, nativeBackward, nativeForward, type Ops, prng, type Seq } from "./recurrent-testing.js";

const addon = loadNative().addon as NativeAddon;
const isas = (["avx512", "avx2", "scalar"] as GemmIsa[]).filter((isa) => addon.setGemmIsa(isa));
addon.setGemmIsa("auto");

afterAll(() => addon.setGemmIsa("auto"));

// The native backward against central differences of the native forward, in float64: the
// gradient of L = <y, wy> + <hn, wh> + <cn, wc> for random weights w, element by element.
describe.each(["LSTM", "GRU", "RNN_TANH", "RNN_RELU"] as RecurrentKind[])("%s: gradcheck", (kind) => {
  it.each([
    ["forward", false, null],
    ["reverse, lengths", true, [3, 1, 0]],
  ] as const)("%s", (_, reverse, lengths) => {
    const seq: Seq = {
      kind,
      T: 3,
      B: lengths ? 3 : 2,
      I: 2,
      H: 3,
      dtype: "float64",
      reverse,
      lengths: lengths ? Int32Array.from(lengths) : null,
    };
    const { ops, cots } = makeCase(seq, [true, true], 99);
    const loss = () => {
      const f = nativeForward(addon, seq, ops);
      let l = 0;
      for (let i = 0; i < f.y.length; i++) l += f.y[i]! * cots.dy[i]!;
      for (let i = 0; i < f.hn.length; i++) l += f.hn[i]! * cots.dhn[i]!;
      if (f.cn) for (let i = 0; i < f.cn.length; i++) l += f.cn[i]! * cots.dcn![i]!;
      return l;
    };
    for (const isa of isas) {
      addon.setGemmIsa(isa);
      const grads = nativeBackward(addon, seq, ops, nativeForward(addon, seq, ops).saved, cots);
      for (const name of Object.keys(ops) as (keyof Ops)[]) {
        const a = ops[name];
        if (a === null) continue;
        const eps = 1e-6;
        for (let i = 0; i < a.length; i++) {
          const v = a[i]!;
          a[i] = v + eps;
          const up = loss();
          a[i] = v - eps;
          const down = loss();
          a[i] = v;
          const numeric = (up - down) / (2 * eps);
          const analytic = grads[name]![i]!;
          expect(Math.abs(analytic - numeric), `d${name}[${i}] on ${isa}`).toBeLessThan(
            1e-7 * (1 + Math.abs(numeric)),
          );
        }
      }
    }
  });
});

// The saved activations of an LSTM with x_t W_ih^T = x and W_hh = 0 are sigmoid(x) and tanh(x):
// the vector gate functions, checked against the correctly rounded values.
describe("the gate nonlinearities", () => {
  const r = prng(3);
  const xs: number[] = [0, -0, 1e-30, -1e-30, 1e-8, 0.3, -0.55, 88, -88, 100, -100, 1e4, Infinity, -Infinity];
  for (let i = 0; i < 4000; i++) xs.push((2 * r() - 1) * 20); // the range that matters
  for (let i = 0; i < 1000; i++) xs.push((r() < 0.5 ? -1 : 1) * 2 ** (60 * r() - 50)); // every scale
  const B = xs.length;

  /** sigmoid and tanh of xs by the kernels: (i, f, o) and g of the LSTM's saved gates. */
  function gates(dtype: "float32" | "float64") {
    const seq: Seq = { kind: "LSTM", T: 1, B, I: 1, H: 1, dtype, reverse: false, lengths: null };
    const F = dtype === "float32" ? Float32Array : Float64Array;
    const ops: Ops = {
      x: F.from(xs),
      h0: new F(B),
      c0: new F(B),
      wih: F.from([1, 1, 1, 1]),
      whh: new F(4),
      bih: null,
      bhh: null,
    };
    const { saved } = nativeForward(addon, seq, ops);
    const sig = new F(B);
    const tanh = new F(B);
    for (let b = 0; b < B; b++) [sig[b], tanh[b]] = [saved[4 * b]!, saved[4 * b + 2]!];
    return { sig, tanh };
  }

  /** The distance in units in the last place between two float32 values of one sign (0 = -0). */
  const ulps32 = (a: number, b: number) => {
    if (a === b) return 0;
    const i = new Int32Array(new Float32Array([a, b]).buffer);
    return Math.abs(i[0]! - i[1]!);
  };

  it.each(isas)("float32 on %s: within 2 ulp of the correctly rounded value", (isa) => {
    addon.setGemmIsa(isa);
    const { sig, tanh } = gates("float32");
    for (let b = 0; b < B; b++) {
      const x = Math.fround(xs[b]!);
      const s = Math.fround(1 / (1 + Math.exp(-x)));
      const t = Math.fround(Math.tanh(x));
      // below 2^-126 the ulp is fixed: compare absolutely there
      if (s >= 2 ** -126)
        expect(ulps32(sig[b]!, s), `sigmoid(${x}) = ${sig[b]} vs ${s}`).toBeLessThanOrEqual(2);
      else expect(sig[b]!).toBeLessThan(2 ** -125);
      expect(ulps32(tanh[b]!, t), `tanh(${x}) = ${tanh[b]} vs ${t}`).toBeLessThanOrEqual(2);
    }
  });

  it.each(isas)("float64 on %s: within 1e-15 relative", (isa) => {
    addon.setGemmIsa(isa);
    const { sig, tanh } = gates("float64");
    for (let b = 0; b < B; b++) {
      const x = xs[b]!;
      const s = 1 / (1 + Math.exp(-x));
      const t = Math.tanh(x);
      if (s > 1e-300) expect(Math.abs(sig[b]! - s), `sigmoid(${x})`).toBeLessThanOrEqual(1e-15 * s);
      else expect(sig[b]!).toBeLessThan(1e-300);
      expect(Math.abs(tanh[b]! - t), `tanh(${x})`).toBeLessThanOrEqual(1e-15 * Math.abs(t));
    }
  });

  it.each(isas)("NaN gives NaN on %s", (isa) => {
    addon.setGemmIsa(isa);
    for (const kind of ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"] as RecurrentKind[]) {
      const G = kind === "LSTM" ? 4 : kind === "GRU" ? 3 : 1;
      const seq: Seq = { kind, T: 1, B: 1, I: 1, H: 1, dtype: "float32", reverse: false, lengths: null };
      const F = Float32Array;
      const ops: Ops = {
        x: F.from([Number.NaN]),
        h0: new F(1),
        c0: kind === "LSTM" ? new F(1) : null,
        wih: new F(G).fill(1),
        whh: new F(G),
        bih: null,
        bhh: null,
      };
      expect(nativeForward(addon, seq, ops).y[0], kind).toBeNaN();
    }
  });
});
